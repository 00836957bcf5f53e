"""The sections of docs/benchmarks.md on the landmark sweep and the fine search (bench/results/sweep.json,
fine_search.json, serving-search-only.json)."""

from __future__ import annotations

from collections.abc import Callable

from bench.report_sections import pct, table

WEAK_KINDS = ("tilted_on_photo", "left_tilted_on_photo", "hand_distant", "webcam_room", "hand_before_face")
FINE_KINDS = ("hand_distant", "webcam_room", "wide_off_centre", "left_tilted_on_photo", "turned_3d_strong")
FRAMES = {
    "kiosk_frame_without_hand_one_client": "kiosk frame of a person not signing (live)",
    "photo_without_hand_one_client": "the same picture sent as a photo",
    "kiosk_frame_searched_one_client": "kiosk frame with a hand, searched",
    "small_jpeg_one_client": "100x100 photo",
    "phone_jpeg_one_client": "12-MP phone JPEG",
}


def option_rows(result: dict, kinds: tuple[str, ...], chosen: Callable[[str], bool]) -> list[list[str]]:
    """Return one row per option of a sweep or fine-search ``result``: its name, the validation mean and
    confident-wrong, ``kinds``, the outside signer and the non-hands."""
    valid, outside = result["readings"]["valid"], result["readings"].get("outside", {})
    rows = []
    for option, row in valid.items():
        non_hands = result["non_hands"][option]
        rows.append(
            [
                f"{option} (chosen)" if chosen(option) else option,
                pct(row["mean"]["accuracy"]),
                pct(row["mean"]["confident_wrong"]),
                *(pct(row["kinds"][kind]["accuracy"], 1) for kind in kinds if kind in row["kinds"]),
                pct(outside[option]["mean"]["accuracy"]) if option in outside else "—",
                f"{pct(non_hands['no_hand'], 1)} / {pct(non_hands['sure_digit'], 1)}",
                f"{pct(non_hands['people_no_hand'], 0)}",
            ]
        )
    return rows


def sweep_rows(sweep: dict) -> list[list[str]]:
    """Return one row per ``sweep_squares`` option, with the looks it costs at most after its name."""
    rows = option_rows(sweep, WEAK_KINDS, lambda option: int(option) == sweep["chosen_squares"])
    options = sweep["readings"]["valid"]
    return [[row[0], str(3 * int(option)), *row[1:]] for option, row in zip(options, rows, strict=True)]


def latency_rows(on: dict, off: dict) -> list[list[str]]:
    """Return p50 latency rows of the app searching only (``off``: no sweep, no fine search) and as served (``on``)."""
    rows = []
    for key, name in FRAMES.items():
        if key in on.get("app_localised", {}) and key in off.get("app_localised", {}):
            before, after = off["app_localised"][key]["p50_ms"], on["app_localised"][key]["p50_ms"]
            rows.append([name, f"{before:.1f} ms", f"{after:.1f} ms", f"{after / before - 1:+.0%}"])
    return rows


def fine_search_section(fine: dict) -> str:
    """Return the section on the palm detector's closer look at six squares when no hand is confirmed."""
    if not fine:
        return ""
    first = next(iter(fine["readings"]["valid"].values()))
    kinds = [kind for kind in FINE_KINDS if kind in first["kinds"]]
    return (
        "\n## Looking closer for a small hand (`python -m tuning.fine_search`)\n\nWhen neither the search nor the "
        f"sweep (`sweep_squares` {fine['sweep_squares']}) confirms a hand, the palm detector looks at six squares of "
        "`fine_share` of the picture's short side (three along the long side, two across) and the landmark model "
        "checks their palms. Live frames skip it. Same readings as the sweep.\n\n"
        + table(
            [
                "fine_share",
                "validation mean",
                "confident-wrong",
                *kinds,
                "outside signer",
                "non-hands: no hand / sure digit",
                "people: no hand",
            ],
            option_rows(fine, FINE_KINDS, lambda option: float(option) == fine["chosen_share"]),
        )
    )


def sweep_section(sweep: dict, serving: dict, serving_off: dict) -> str:
    """Return the section on sweeping centred squares with the landmark model when the search is not sure."""
    if not sweep:
        return ""
    valid = sweep["readings"]["valid"]
    first = next(iter(valid.values()))
    pictures = sweep["pictures"]
    kinds = [kind for kind in WEAK_KINDS if kind in first["kinds"]]
    out = (
        "\n## Sweeping for a hand the search missed (`python -m tuning.sweep`)\n\nWhen no look of the search reaches "
        f"a hand presence of {sweep['sweep_present']:g}, the hand-landmark model looks at the picture's centred "
        f"squares of {', '.join(f'{s:g}' for s in sweep['shares'][:-1])} and {sweep['shares'][-1]:g} of the short "
        "side (the first `sweep_squares` of them), upright and leaning 35 degrees each way. Validation: "
        f"{pictures['valid']:,} pictures (photos and every shift kind; mean of the kinds); outside signer: "
        f"{pictures.get('outside', 0)} photos; "
        f"non-hands: {sweep['non_hands']['0']['pictures']} pictures, {sweep['non_hands']['0']['people']} of them "
        "people not signing.\n\n"
        + table(
            [
                "sweep_squares",
                "looks at most",
                "validation mean",
                "confident-wrong",
                *kinds,
                "outside signer",
                "non-hands: no hand / sure digit",
                "people: no hand",
            ],
            sweep_rows(sweep),
        )
    )
    rows = latency_rows(serving, serving_off)
    if rows:
        out += (
            "\nOne client, gunicorn as configured, p50 (`python -m bench.serving`, searching only, then with the "
            "sweep and the fine search as served):\n\n" + table(["picture", "search only", "as served", "change"], rows)
        )
    return out
