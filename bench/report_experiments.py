"""Sections of docs/benchmarks.md on settings tried, left off and removed (landmarks' square, zoomed squares).

The results were measured by the choosers that tried them (removed with the code; docs/decisions.md)
and are kept in bench/results as the record.
"""

from __future__ import annotations

from bench.report_sections import pct, table


def look_square_section(found: dict) -> str:
    """Return the section on the square a searched hand is read in: the palm detector's or its landmarks'."""
    if not found:
        return ""
    current = found["current"]
    rows = [
        [
            f"{name}{' (chosen)' if name == found['chosen_on_valid'] else ''}",
            "never" if float(name) > 1 else f"presence ≥ {name}",
            pct(c["valid"]["mean"]),
            f"{c['valid']['worst_kind']} {pct(c['valid']['worst_accuracy'])}",
            pct(c["valid"]["confident_wrong"]),
            pct((c.get("test") or {}).get("mean")),
        ]
        for name, c in found["candidates"].items()
    ]
    pictures = found["candidates"][current]["valid"]["pictures"]
    return (
        "\n## The square a searched hand is read in (tried, left off, removed)\n\nA followed hand is read in the "
        "square its landmarks imply; a searched one in the palm detector's. Tried: reading a searched one in its "
        "landmarks' square when its look reaches `square_from_look`. Each value scored as "
        f"served on {pictures:,} validation pictures (photos and every shift kind; mean of the kinds); the test figure "
        "only for "
        "the value chosen.\n\n"
        + table(
            [
                "square_from_look",
                "landmarks' square when",
                "validation mean",
                "weakest kind",
                "confident-wrong",
                "test mean",
            ],
            rows,
        )
    )


def zoom_section(found: dict) -> str:
    """Return the section on looking for a hand again in zoomed squares when none is confirmed."""
    if not found:
        return ""
    rows = [
        [
            f"{name}{' (chosen)' if name == found['chosen_on_valid'] else ''}",
            pct(c["valid"]["mean"]),
            f"{c['valid']['worst_kind']} {pct(c['valid']['worst_accuracy'])}",
            pct(c["valid"]["confident_wrong"]),
            f"{c['valid']['non_hands_caught'] * c['valid']['non_hands']:.0f}/{c['valid']['non_hands']}",
            pct((c.get("test") or {}).get("mean")),
            ""
            if "test" not in c
            else f"{c['test']['non_hands_caught'] * c['test']['non_hands']:.0f}/{c['test']['non_hands']}",
            f"{c['valid']['seconds']:.0f} s",
        ]
        for name, c in found["candidates"].items()
    ]
    pictures = found["candidates"]["0"]["valid"]["pictures"]
    return (
        "\n## Looking again in zoomed squares (tried, left off, removed)\n\nTried: when no palm is confirmed by the "
        "hand check nor certain, the palm detector looked again in squares of `zoom_tile_share` of the short side at "
        "the corners and centre. "
        f"Each share scored as served on {pictures:,} validation pictures (photos and every shift kind; mean of the "
        "kinds) and "
        "the choosing half of the non-hand pictures of `tuning/no_hand.py`; the test split and the reporting half only "
        "for no "
        "zoom and the share chosen. Time: the whole validation pass on 2 cores.\n\n"
        + table(
            [
                "zoom_tile_share",
                "validation mean",
                "weakest kind",
                "confident-wrong",
                "non-hands answered no hand (valid)",
                "test mean",
                "non-hands answered no hand (report)",
                "validation time",
            ],
            rows,
        )
    )
