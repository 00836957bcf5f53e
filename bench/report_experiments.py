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


def scene_training_rows(found: dict) -> list[list[object]]:
    """Return one row per model of `bench.scene_training` and, over two seeds or more, their mean."""
    rows = []
    for name, model in found["models"].items():
        s = model["summary"]
        kept = model.get("scene_squares") or {}
        weakest = s["valid_as_served_weakest"]
        rows.append(
            [
                "before" if name == "baseline" else name,
                model.get("scene_frames", 0),
                f"{kept['kept']:,} of {kept['rendered']:,}" if kept else "–",
                pct(s["valid_mobilenet_alone_mean"]),
                pct(s.get("outside_mobilenet_alone")),
                pct(s["valid_as_served_mean"]),
                f"{weakest[0]} {pct(weakest[1])}",
                pct(s.get("outside_as_served")),
                pct(model["readings"]["test"]["plain"]["as_served"]),
                pct(s["test_as_served_mean"]),
            ]
        )
    mean = found.get("mean_of_scene_runs") or {}
    if mean.get("runs", 0) > 1:
        rows.append(
            [
                f"**mean of {mean['runs']} seeds**",
                "",
                "",
                *(
                    pct(mean[name]["mean"])
                    for name in ("valid_mobilenet_alone_mean", "outside_mobilenet_alone", "valid_as_served_mean")
                ),
                "",
                *(
                    pct(mean[name]["mean"])
                    for name in ("outside_as_served", "test_photos_as_served", "test_as_served_mean")
                ),
            ]
        )
    return rows


def scene_training_section(found: dict) -> str:
    """Return the section on MobileNets trained with scene frames beside the shipped one (`bench.scene_training`)."""
    if not found or not found.get("models"):
        return ""
    rows = scene_training_rows(found)
    first = next(iter(found["models"].values()))["readings"]
    counts = {split: sum(kind["count"] for kind in first[split].values()) for split in first}
    return (
        "\n## Training on scene frames (`python -m bench.scene_training`)\n\nEach training hand rendered into a "
        "larger scene (a person in a room, a wide or distant photo, a hand leaning on a photograph), found and cut "
        "as served, its square trained on beside the photos (`--scene-frames`). Every model reads the same squares, "
        "found once with the shipped settings; 'before' is the model shipped without them. Readings: "
        f"{counts.get('valid', 0):,} validation pictures (photos and "
        f"{len(found['kinds'])} scene-like shift kinds: {', '.join(found['kinds'])}), {counts.get('outside', 0)} "
        f"photos of the outside signer and {counts.get('test', 0):,} test pictures (report only). Means are over "
        'kinds; "as served" counts a "no hand" wrong.\n\n'
        + table(
            [
                "model",
                "scene frames",
                "squares kept",
                "valid, MobileNet alone",
                "outside, MobileNet alone",
                "valid, as served",
                "valid weakest kind",
                "outside, as served",
                "test photos, as served",
                "test kinds, as served",
            ],
            rows,
        )
    )


def scene_seeds_sentence(found: dict) -> str:
    """Return how the recipe with scene frames reads over its seeds (`bench.scene_training`; "" without two runs)."""
    mean = (found or {}).get("mean_of_scene_runs") or {}
    if mean.get("runs", 0) < 2:
        return ""

    def spread(name: str) -> str:
        figure = mean[name]
        return f"{pct(figure['min'])}–{pct(figure['max'])}, mean **{pct(figure['mean'])}**"

    return (
        f"\nThe same recipe and split trained with {mean['runs']} seeds, each read with the shipped settings and its "
        f"own geometry model: test photos {spread('test_photos_as_served')}; the outside signer "
        f"{spread('outside_as_served')} (the MobileNet alone {spread('outside_mobilenet_alone')}) "
        "([benchmarks.md](benchmarks.md)).\n"
    )
