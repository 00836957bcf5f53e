"""The sections of docs/benchmarks.md, each from the JSON one bench writes (bench/report.py assembles them)."""

from __future__ import annotations


def pct(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def serving_section(serving: dict) -> str:
    if not serving:
        return ""
    reference, app = serving["reference"], serving["app_localised"]
    out = [
        "## Serving (`python -m bench.serving`)\n\n",
        f"gunicorn as configured on loopback, {serving['cpus']} cores.\n\n",
    ]
    rows = [
        [
            "100x100 photo, one client, p50 / p99",
            f"{app['small_jpeg_one_client']['p50_ms']:.1f} / {app['small_jpeg_one_client']['p99_ms']:.1f} ms",
        ],
        [
            "12-MP phone JPEG, one client, p50 / p99",
            f"{app['phone_jpeg_one_client']['p50_ms']:.1f} / {app['phone_jpeg_one_client']['p99_ms']:.1f} ms",
        ],
        ["4 keep-alive clients", f"{app['small_jpeg_four_clients']['images_per_s']:.1f} pictures/s"],
        ["worker RSS", ", ".join(f"{v:.0f} MiB" for v in app["worker_rss_mib"])],
        ["time to ready", f"{app['ready_s']:.2f} s"],
        ["classifier alone (fp32 LiteRT, best threads)", f"{reference['best_single_image_ms']:.1f} ms"],
        [
            "palm detector alone, 1 / 2 threads",
            " / ".join(f"{v:.1f} ms" for v in reference["palm_detector_invoke_ms_by_threads"].values()),
        ],
    ]
    rows += bare_pipeline_rows(serving)
    out.append(table(["measure", "value"], rows))
    for name, parts in serving.get("profile_ms", {}).items():
        out.append(
            f"\nWhere a request's time goes, {name}: "
            + ", ".join(f"{k} {v} ms" for k, v in parts.items() if k != "backend")
            + ".\n"
        )
    return "".join(out)


def bare_pipeline_rows(serving: dict) -> list[list[str]]:
    """Return the rows comparing the app with the bare pipeline measured in the same run (none without it)."""
    bare = serving.get("bare_pipeline")
    if not bare:
        return []
    app = serving["app_localised"]
    rows: list[list[str]] = []
    ratios = serving["ratios"]["app_localised_vs_bare_pipeline"]
    rows += [
        [
            "bare pipeline (palm detector, hand check, landmark look, classifier back to back), 1 / 2 threads",
            " / ".join(f"{v:.1f} ms" for v in bare["ms_by_threads"].values()),
        ],
        [
            "bare pipeline capacity (one one-thread pipeline per core)",
            f"{bare['capacity_pictures_per_s']:.0f} pictures/s",
        ],
        [
            "app p50 over the bare pipeline: small photo / 12-MP JPEG (pipeline + bare draft decode)",
            f"{ratios['small_p50']:.2f}x / {ratios['phone_p50_vs_pipeline_and_draft_decode']:.2f}x",
        ],
        ["app, 4 clients, over the pipeline's capacity", f"{ratios['four_clients_vs_capacity']:.2f}x"],
    ]
    if "kiosk_frame_followed_one_client" in app:
        followed, searched = app["kiosk_frame_followed_one_client"], app["kiosk_frame_searched_one_client"]
        rows += [
            [
                "480x360 kiosk frame, followed (track sent) / searched, p50",
                f"{followed['p50_ms']:.1f} / {searched['p50_ms']:.1f} ms "
                f"({ratios['kiosk_followed_vs_searched_p50']:.2f}x)",
            ],
            [
                "bare tracked pipeline (landmark look, classifier)",
                f"{bare['tracked_best_ms']:.1f} ms; the followed frame's p50 is "
                f"{ratios['kiosk_followed_p50_vs_tracked_pipeline']:.2f}x that",
            ],
        ]
    return rows


def connection_rows(connections: dict) -> list[list[str]]:
    """Return the rows of the connection-level abuse table (bench/connections.py)."""
    rows = []
    for where in ("direct", "through_nginx"):
        found = connections.get(f"slow_headers_{where}")
        if found:
            rows.append(
                [
                    f"{found['slow_clients']} slow-header clients, {where.replace('_', ' ')}",
                    f"normal requests {found['normal_statuses']}, slowest {found['normal_max_ms']} ms; "
                    f"{found['slow_clients_dropped']} slow clients dropped, the last after "
                    f"{found['slow_dropped_after_s_max']} s",
                ]
            )
    flood = connections.get("header_flood_direct")
    if flood:
        rows.append(
            [
                f"{flood['connections']} connections each sending {flood['header_kb_sent_each']} KB of headers, direct",
                f"{flood['answered_431']} answered 431; workers grew {flood['worker_peak_growth_mib']} MiB at "
                f"peak, {flood['worker_growth_after_mib']} MiB after",
            ]
        )
    unread = connections.get("unread_bodies_through_nginx")
    if unread:
        rows.append(
            [
                f"12 clients + 2 sending bodies the app does not read, {unread['seconds']:.0f} s, through nginx",
                f"innocent answers {unread['innocent_by_status']}",
            ]
        )
    killed = connections.get("worker_killed_through_nginx")
    if killed:
        rows.append(
            [
                f"12 clients, a worker killed, {killed['seconds']:.0f} s, through nginx",
                f"answers {killed['by_status']}",
            ]
        )
    return rows


def hostile_section(hostile: dict, connections: dict) -> str:
    out = ["\n## Hostile input (`python -m bench.hostile`, `python -m bench.connections`)\n\n"]
    shapes = hostile.get("shapes", {})
    if shapes:
        out.append(
            "Each picture alone through gunicorn as configured: status, worker CPU, worker peak RSS over its RSS "
            "before.\n\n"
        )
        out.append(
            table(
                ["picture", "bytes", "status", "worker CPU s", "peak growth MiB"],
                [
                    [name, f"{v['bytes']:,}", v["status"], v["worker_cpu_s"], v["worker_peak_growth_mib"]]
                    for name, v in shapes.items()
                ],
            )
        )
    heavy = {k: v for k, v in hostile.items() if isinstance(v, dict) and "statuses" in v}
    if heavy:
        out.append("\nFour at once, with normal requests sent meanwhile:\n\n")
        out.append(
            table(
                ["upload", "statuses", "slowest of 4 s", "peak worker RSS MiB", "normal requests: max ms"],
                [
                    [k, v["statuses"], v["seconds_max_of_4_at_once"], v["peak_worker_rss_mib"], v["normal_max_ms"]]
                    for k, v in heavy.items()
                ],
            )
        )
    if connections:
        out.append("\n" + table(["connections", "outcome"], connection_rows(connections)))
    return "".join(out)


def choices_section(unsure: dict, no_hand: dict) -> str:
    out = ["\n## Thresholds chosen on validation\n\n"]
    if unsure:
        at, serves = unsure["at_chosen"], unsure.get("in_use", unsure["chosen_on_valid"])
        out.append(
            f"**Unsure** (`python -m tuning.unsure`): below {unsure['chosen_on_valid']}, the lowest threshold keeping "
            f"confident-wrong answers at or under {pct(unsure['target_confident_wrong'], 0)} on validation "
            f"({unsure['pictures']['valid']:,} pictures). At it: confident-wrong on the test split "
            f"{pct(at['test']['plain']['confident_wrong'])}, "
            f"on its shift set {pct(at['test']['shift']['confident_wrong'])}; right answers flagged unsure "
            f"{pct(at['test']['plain']['right_but_unsure'])} / {pct(at['test']['shift']['right_but_unsure'])}."
            + (f" The model serves {serves}.\n\n" if serves != unsure["chosen_on_valid"] else "\n\n")
        )
    if no_hand:
        chosen = no_hand["chosen_on_valid"]
        out.append(
            "**No hand** (`python -m tuning.no_hand`), for a hand neither the hand check nor the landmark look "
            "confirms: "
            f"a palm under {chosen['score']} with a confidence under {chosen['confidence']}, or a hand presence under "
            f"{chosen.get('presence', 0)} with a confidence under {chosen.get('presence_confidence', 1.01)}. On "
            "validation: false "
            f'"no hand" {pct(chosen["false_no_hand"])}, non-hands caught {pct(chosen["non_hands_caught"], 1)}. On '
            f'held-out pictures: false "no hand" on {no_hand["test_hands"]:,} test hands '
            f'{pct(no_hand["test_false_no_hand"])}; non-hand pictures answered "no hand" '
            f"{pct(no_hand['report_non_hands_caught'], 1)} "
            f"of {no_hand['report_non_hands']}.\n"
        )
    return "".join(out)


def upright_section(upright: dict) -> str:
    """Return the section on turning a leaning hand upright before the MobileNet reads it (both readings)."""
    if not upright or "chosen" not in upright:
        return ""
    chosen = upright["chosen"]["rule"]
    rules = upright["rules"]
    shown = ["never", *(n for n in rules if n.endswith("share 0")), chosen]
    kinds = [
        kind
        for kind in ("tilted", "tilted_on_photo", "left_tilted_on_photo", "rotated")
        if kind in rules["never"]["valid"]["per_kind"]
    ]
    rows = []
    for name in dict.fromkeys(shown):
        valid, outside = rules[name]["valid"], rules[name].get("outside")
        rows.append(
            [
                name + (" (chosen)" if name == chosen else ""),
                pct(valid["plain"]),
                pct(valid["mean"]),
                *(pct(valid["per_kind"][kind]) for kind in kinds),
                pct(valid["confident_wrong"]),
                "–" if outside is None else pct(outside["mean"]),
                "–" if outside is None else pct(outside["confident_wrong"]),
            ]
        )
    pictures = upright["pictures"]
    return (
        "\n## Upright reading (`python -m tuning.upright`)\n\nA leaning hand turned upright before the MobileNet "
        "reads it, by rule (lean at least T degrees, square at least S of the long side), each picture found as "
        f"served and pooled with the hand geometry; {pictures['valid']:,} validation pictures (plain photos and "
        f"{len(rules['never']['valid']['per_kind']) - 1} shift kinds) and {pictures.get('outside', 0)} photos of the "
        f'outside signer; a "no hand" counts wrong. Chosen on both: **{chosen}**.\n\n'
        + table(
            [
                "rule",
                "valid plain",
                "valid mean",
                *kinds,
                "valid confident-wrong",
                "outside signer",
                "outside confident-wrong",
            ],
            rows,
        )
    )
