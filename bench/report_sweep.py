"""The sections of docs/benchmarks.md on the landmark sweep and the fine search (bench/results/sweep.json,
fine_search.json, search_cost.json, live_sweep.json)."""

from __future__ import annotations

from collections.abc import Callable

from bench.report_sections import pct, table

WEAK_KINDS = ("tilted_on_photo", "left_tilted_on_photo", "hand_distant", "webcam_room", "hand_before_face")
FINE_KINDS = ("hand_distant", "webcam_room", "wide_off_centre", "left_tilted_on_photo", "turned_3d_strong")
FRAMES = {
    "kiosk_frame_without_hand_numbered": "kiosk frame of a person not signing (live, numbered, as the kiosk sends)",
    "kiosk_frame_without_hand_live": "the same frame, live but not numbered",
    "photo_without_hand": "the same picture sent as a photo",
    "kiosk_frame_with_hand_searched": "kiosk frame with a hand, searched",
    "small_photo": "100x100 photo",
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


def latency_rows(cost: dict) -> list[list[str]]:
    """Return p50 latency rows of the app searching only (no sweep, no fine search) and as served, with the
    lowest and highest change between the two within one round."""
    rows = []
    for key, name in FRAMES.items():
        if key in cost.get("pictures", {}):
            found = cost["pictures"][key]
            before, after = found["search_only_ms"], found["served_ms"]
            by_round = [b / a - 1 for a, b in zip(found["search_only"], found["served"], strict=True)]
            spread = f"{min(by_round):+.0%} to {max(by_round):+.0%}" if by_round else ""
            rows.append([name, f"{before:.1f} ms", f"{after:.1f} ms", f"{found['change']:+.1%}", spread])
    return rows


def live_sweep_rows(live: dict) -> list[list[str]]:
    """Return how soon numbered live frames find a hand the search was not sure of, per reading."""
    rows = []
    for kind, found in live.get("kinds", {}).items():
        mean, most = found["mean_frames_to_find"], found["most_frames_to_find"]
        rows.append(
            [
                kind,
                str(found["pictures"]),
                f"{found['swept']} ({found['swept_without_a_confirmed_hand']})",
                str(found["found_by_the_sweep"]),
                "–" if mean is None else f"{mean:.1f}",
                "–" if most is None else str(most),
            ]
        )
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


def sweep_section(sweep: dict, cost: dict, live: dict) -> str:
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
    rows = latency_rows(cost)
    if rows:
        out += (
            f"\nOne client, gunicorn as configured, p50, median of {cost['rounds']} rounds in which the app searching "
            "only and the app as served take turns (`python -m bench.search_cost`):\n\n"
            + table(["picture", "search only", "as served", "change", "change by round"], rows)
        )
    rows = live_sweep_rows(live)
    if rows:
        out += (
            "\nA numbered live frame sweeps one region, the next frame the next (`python -m bench.live_sweep`). For "
            "validation photos rendered afresh as the webcam-like kinds and the outside signer, each searched as "
            "a live frame: the pictures swept because the search's look was not sure enough (in brackets, those "
            "without a hand the search confirmed), how many of them the whole sweep finds, and how many frames "
            "of a video holding still the frames take to find it (mean over every starting turn, and at most):\n\n"
            + table(
                ["reading", "pictures", "swept (unconfirmed)", "found by the sweep", "frames (mean)", "frames (most)"],
                rows,
            )
        )
    return out
