"""Sections of docs/benchmarks.md about pages, the container image and sizing, from the benches' JSON."""

from __future__ import annotations

from bench.report_sections import table


def sizing_section(serving: dict, hostile: dict, image: dict) -> str:
    """Return the numbers a deployment is sized by: pictures per second per core, memory per worker, start-up."""
    if not serving:
        return ""
    app = serving["app_localised"]
    cores = serving["cpus"]
    growth = max((case["worker_peak_growth_mib"] for case in hostile.get("shapes", {}).values()), default=0.0)
    rows = [
        [
            "pictures/s per core (4 keep-alive clients, 100x100 photos)",
            f"{app['small_jpeg_four_clients']['images_per_s'] / cores:.0f}",
        ],
        ["worker RSS, model loaded", f"{max(app['worker_rss_mib']):.0f} MiB"],
        ["worst accepted picture, added while it decodes", f"{growth:.0f} MiB"],
        ["gunicorn ready after start", f"{app['ready_s']:.2f} s"],
    ]
    if image:
        rows.append(
            ["container image / ready from its filesystem", f"{image['image_mib']:.0f} MiB / {image['ready_s']} s"]
        )
    return "\n## Sizing (for docs/deploy.md)\n\n" + table(["measure", "value"], rows)


def image_section(image: dict) -> str:
    if not image:
        return ""
    return (
        f"\n## Container image (`bash deploy/check-image.sh`)\n\nBuilt on {image['base']}: **{image['image_mib']} "
        "MiB**; "
        f"started from its filesystem, `/healthz` answered 200 after **{image['ready_s']} s**; workers "
        f"{', '.join(f'{v:.0f} MiB' for v in image['worker_rss_mib'])} (master {image['master_rss_mib']:.0f} MiB); "
        f"`/api/predict` answered digit {image['predict']['digit']}.\n"
    )


def pages_section(pages: dict) -> str:
    if not pages:
        return ""
    steadiness = pages.get("kiosk_steadiness") or {}
    pages = {view: found for view, found in pages.items() if view != "kiosk_steadiness"}
    rows = [
        [view, page, v["bytes"], v["requests"], v["load_ms"]]
        for view, found in pages.items()
        for page, v in found.items()
        if page.startswith("/")
    ]
    out = [
        "\n## Pages (`python -m bench.pages`, headless Chromium)\n\n",
        table(["view", "page", "bytes", "requests", "load ms"], rows),
    ]
    for view, found in pages.items():
        live = found.get("kiosk_live", {})
        big = ", ".join(f"{found[k]} ms for a {k.split('_')[2]}-MP one" for k in found if k.endswith("_mp_jpeg"))
        out.append(
            f"\n{view}: answer shown {found.get('answer_ms_small_photo')} ms after choosing a small photo, "
            f"{found.get('answer_ms_phone_photo')} ms for a 12-MP one{', ' + big if big else ''} (the browser shrinks "
            "big photos first); "
            f"kiosk on one held sign for 15 s: {live.get('answer_changes_in_15_s', '—')} answer changes, "
            f"{live.get('live_region_updates_in_15_s', '—')} live-region updates, {live.get('frames_sent')} frames sent"
            + (
                f" ({min(live['frames_followed'], live['frames_sent'])} followed by their track)"
                if "frames_followed" in live
                else ""
            )
            + f", {live.get('frames_sent', 0) / 15:.1f} frames answered a second, round trip p50 "
            f"{live.get('frame_round_trip_p50_ms', '—')} ms.\n"
        )
    if steadiness:
        out.append(
            "\nThe kiosk's steadiness (desktop, a fake camera showing a 5, 15 s each; jittered: the hand moved up to "
            "20 pixels and turned up to 8 degrees from frame to frame):\n\n"
            + table(
                ["sign", "frames", "read right", "shown answer changes", "banner changes", "freeze keeps the answer"],
                [
                    [
                        name,
                        found["frames"],
                        f"{found['frames_right'] * 100:.0f}%",
                        found["shown_answer_changes"],
                        found["banner_changes"],
                        "yes" if found["freeze_keeps_the_shown_answer"] else "no",
                    ]
                    for name, found in steadiness.items()
                ],
            )
        )
    return "".join(out)
