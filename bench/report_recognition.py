"""Sections of docs/benchmarks.md about reading hands: the geometry model, seeds, live tracking."""

from __future__ import annotations

from bench.report_sections import pct, table


def reading_cells(scores: dict | None, shift: bool = True) -> list[str]:
    """Return the cells of one reading: accuracy (and the shift mean), confident-wrong, right but unsure."""
    if not scores:
        return ["", "", "", ""] if shift else ["", "", ""]
    cells = [pct(scores["plain"])]
    if shift:
        cells.append(pct(scores["shift_mean"]))
    return [*cells, pct(scores["confident_wrong"]), pct(scores["right_but_unsure"])]


def chosen_words(chosen: dict) -> str:
    """Return the chosen candidate, pooling rule, weight, gate and unsure threshold in words."""
    rule = {"geometric": "weighted geometric mean", "linear": "weighted mean"}.get(chosen.get("rule", "linear"))
    words = f"{chosen['candidate']}, {rule}, weight {chosen['geometry_weight']:g}, "
    words += f"presence gate {chosen['geometry_presence']:g}"
    return words + (f", unsure below {chosen['unsure_below']:g}" if chosen.get("unsure_below") is not None else "")


def geometry_section(geometry: dict) -> str:
    """Return the section on the hand-geometry model and how it joins the MobileNet, chosen on two readings."""
    if not geometry or "answers" not in geometry:
        return ""
    pictures, answers = geometry["pictures"], geometry["answers"]
    candidates = [
        [
            name,
            pct(c["alone"]["valid"]["plain"]),
            pct(c["alone"]["valid"]["mean"]),
            pct((c["alone"].get("outside") or {}).get("plain")),
            pct(c["alone"]["test"]["plain"]),
        ]
        for name, c in geometry["candidates"].items()
    ]
    rows = [
        [label, *reading_cells(a["valid"]), *reading_cells(a.get("outside"), shift=False), *reading_cells(a["test"])]
        for label, a in answers.items()
    ]
    digits = [
        [label, *(pct(v, 0) for v in (a.get("outside") or {}).get("per_digit", {}).values())]
        for label, a in answers.items()
    ]
    first, chosen = next(iter(answers.values())), list(answers.values())[-1]
    kinds = chosen["test"]["per_kind"]
    by_kind = [[k, pct(first["test"]["per_kind"][k]), pct(kinds[k])] for k in sorted(kinds, key=kinds.get)]
    return (
        "\n## Hand geometry beside the MobileNet (`python -m tuning.geometry`)\n\nEach candidate geometry model "
        f"(feature set, landmark noise, tilted copies) fitted on {geometry['train_looks']:,} looks at the train "
        "split's hands (and their mirror images), and its calibrated twin; each (candidate, pooling rule, weight, "
        "presence gate) scored on two readings, "
        f"{pictures['valid']:,} validation pictures (photos and every shift kind) and the outside signer's "
        f"{pictures.get('outside', 0):,} webcam photos (never fitted on), and chosen by {geometry['rule']}; the test "
        f"split ({pictures['test']:,} pictures) only reports. Chosen: **{chosen_words(geometry['chosen'])}**."
        "\n\nEach geometry model alone:\n\n"
        + table(["candidate", "valid plain", "valid mean", "outside signer", "test plain"], candidates)
        + "\nThe answers served (plain: photos; shift: mean of the shift kinds; cw: confident-wrong; unsure: right "
        "but unsure):\n\n"
        + table(
            [
                "answer",
                "valid plain",
                "valid shift",
                "valid cw",
                "valid unsure",
                "outside",
                "outside cw",
                "outside unsure",
                "test plain",
                "test shift",
                "test cw",
                "test unsure",
            ],
            rows,
        )
        + "\nThe outside signer per digit (60 photos a digit):\n\n"
        + table(["answer", *(str(d) for d in range(10))], digits)
        + "\nTest split per kind, MobileNet alone and as chosen (297 pictures a kind), weakest first:\n\n"
        + table(["kind", "MobileNet alone", "chosen"], by_kind)
    )


def seeds_sentence(seeds: dict) -> str:
    """Return how far the test figure (and the outside signer's, where every run has it) moves over seeds."""
    spread, photos = seeds["test"], seeds["test_images"]
    moved = round((spread["max"] - spread["min"]) * photos)
    text = (
        f"\nOne run's test figure moves by {moved} photo{'s' if moved != 1 else ''} of {photos}: the same recipe and "
        f"split trained with {seeds['count']} seeds scored {pct(spread['min'])}–{pct(spread['max'])} on the test "
        f"split, mean **{pct(spread['mean'])}**, standard deviation {spread['std'] * 100:.2f} points"
    )
    if "outside" in seeds:
        outside = seeds["outside"]
        text += f"; the outside signer {pct(outside['min'])}–{pct(outside['max'])}, mean **{pct(outside['mean'])}**"
    return text + " ([benchmarks.md](benchmarks.md)).\n"


def seeds_scored_then(seeds: dict, test_accuracy: float) -> str:
    """Return the note naming the seed runs scored with other settings than the shipped model's ("" if none)."""
    runs = seeds.get("runs") or {}
    other = [name for name, run in runs.items() if name != "shipped" and not run.get("settings_as_shipped")]
    if not other:
        return ""
    shipped = runs.get("shipped", {}).get("test")
    now = (
        "reads the same"
        if shipped is None or abs(shipped - test_accuracy) < 1e-9
        else f"now reads {pct(test_accuracy)} of the test photos"
    )
    return (
        f"\n{', '.join(other)} were scored with the answer of their time, not the shipped model's settings "
        f"([decisions.md](decisions.md)); the shipped model {now}.\n"
    )


def recipe_of(seeds: dict) -> str:
    """Name the recipe the seed runs trained: with or without scene frames (runs made before them had none)."""
    frames = {run.get("scene_frames", 0) for run in seeds["runs"].values()}
    return "The recipe without scene frames (`--scene-frames 0`)" if frames == {0} else "The shipped recipe"


def seeds_section(seeds: dict) -> str:
    if not seeds:
        return ""
    rows = [
        [
            name,
            run["seed"],
            pct(run["test"]),
            pct(run["valid"]),
            f"{pct(run['shift'])} ({run.get('shift_kinds', '?')} kinds)",
            f"{run['shift_worst_kind']} {pct(run['shift_worst'])}",
            pct(run.get("outside")),
            "yes" if run.get("settings_as_shipped") else "no",
            f"{run['total_seconds'] / 60:.1f} min" if run.get("total_seconds") else "",
        ]
        for name, run in seeds["runs"].items()
    ]
    test = seeds["test"]
    return (
        f"\n## The recipe over seeds (`bash bench/seeds.sh`, `python -m bench.seeds`)\n\n{recipe_of(seeds)} and the "
        "shipped split, "
        f"{seeds['count']} seeds, each with its own geometry model and scored as served on the "
        f'{seeds["test_images"]} test photos, the shift set and the outside signer; "shipped settings" says whether '
        "a run was scored with the shipped model's settings file (unsure threshold, pooling, no hand). "
        "Test "
        f"accuracy: mean **{pct(test['mean'])}**, standard deviation {test['std'] * 100:.2f} points, range "
        f"{pct(test['min'])}–"
        f"{pct(test['max'])}.\n\n"
        + table(
            ["run", "seed", "test", "valid", "shift", "weakest kind", "outside", "shipped settings", "training"],
            rows,
        )
    )


def kiosk_section(kiosk: dict, valid: dict | None = None, valid_look: dict | None = None) -> str:
    """Return the live-tracking section; ``valid`` is the same bench on validation signs (where the frame size is
    chosen).

    ``valid_look`` is the bench on validation signs with searched hands read in their landmarks' square.
    """
    if not kiosk:
        return ""
    rows = [motion_row(kiosk[motion], motion) for motion in ("held", "moving")]
    sizes = [size_row(side, v, valid) for side, v in kiosk.get("frame_sizes", {}).items()]
    return (
        f"\n## Following the hand in live video (`python -m bench.kiosk`)\n\n{kiosk['signs']} test-split photos, each "
        f"{kiosk['frames_per_sign']} synthesised 640x480 frames over photographs, answered searched (every frame) and "
        "followed "
        f"(each frame with the previous answer's track), {kiosk['threads']} inference threads, in process.\n\n"
        + table(
            [
                "hand",
                "frames",
                "same answer as searched",
                "same digit, sure or not",
                "followed",
                "fell back to search",
                "server time followed / searched, p50",
                "right and sure, followed / searched",
                "answer changes, followed / searched",
            ],
            rows,
        )
        + same_square_note(valid, valid_look)
        + "\nKiosk frame sizes (long side, JPEG quality 0.85; 3 held frames of each sign; chosen on the validation "
        "signs: 480 px):\n\n"
        + table(
            [
                "frame",
                "bytes p50",
                "decode p50",
                "right and sure (validation)",
                "right and sure (test)",
                "same answer as 640 px (test)",
            ],
            sizes,
        )
    )


def motion_row(found: dict, motion: str) -> list:
    """Return the table row of one motion (held or moving) of the live-tracking bench."""
    return [
        motion,
        found["frames"],
        pct(found["same_answer_share"]),
        pct(found.get("same_digit_share")),
        pct(found["followed_share"]),
        found["fell_back_to_search"],
        f"{found['followed_frame_ms_p50']:.1f} / {found['searched_frame_ms_p50']:.1f} ms "
        f"({found['followed_over_searched']:.2f}x)",
        f"{pct(found.get('right_sure_answers_followed'))} / {pct(found.get('right_sure_answers_searched'))}",
        f"{found.get('answer_changes_followed')} / {found.get('answer_changes_searched')}",
    ]


def size_row(side: str, v: dict, valid: dict | None) -> list:
    """Return the table row of one kiosk frame size, with its validation figure when measured."""
    return [
        f"{side} px",
        f"{v['bytes_p50'] / 1024:.0f} KiB",
        f"{v['decode_ms_p50']:.2f} ms",
        pct(((valid or {}).get("frame_sizes", {}).get(side) or {}).get("right_sure_answers")),
        pct(v.get("right_sure_answers")),
        pct(v["same_answer_as_largest"]),
    ]


def same_square_note(valid: dict | None, valid_look: dict | None) -> str:
    """Return how often the answers agree on validation signs when searched hands are read in their landmarks' square
    too."""
    if not valid or not valid_look:
        return ""
    held, held_look = valid["held"], valid_look["held"]
    return (
        f"\nOn {held['frames']} held validation frames the answers agree on {pct(held['same_answer_share'])}; reading "
        "searched hands "
        f"in their landmarks' square too (presence ≥ {valid_look.get('square_from_look', 0.5):g}), as followed ones "
        f"are, raised that to {pct(held_look['same_answer_share'])}, but it read photos less well (see the next "
        "section), so it was left off and its code removed (docs/decisions.md).\n"
    )
