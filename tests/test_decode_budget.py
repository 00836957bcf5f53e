"""Pictures that blow up by shape or by decoder: each is answered 200 or 4xx within its CPU and memory budget.

Each case goes through ``/api/predict`` of the app serving the shipped model, in a fresh process
whose resident memory is sampled every 2 ms while it runs (the suite's own memory would hide any growth).
A case's CPU budget is counted beyond what the same process spends reading a plain picture without a
hand (the whole hand search), so that it measures the decoder rather than the search.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from recognition.decode import MAX_LONG_SIDE, WORK_SIZE, reduction_factor
from recognition.paths import PROJECT_ROOT
from tests.support.samples import constant_png, hostile_shapes, rle8_bmp, striped_tiff

CPU_SECONDS_PER_PICTURE = 1.0  # beyond reading a plain picture without a hand
PICTURE_MIB = 150  # a worker's peak may grow this much for any one picture
BATCH_MIB = 300  # ... and for a batch of sixteen


SCRIPT = """
import io, json, resource, sys, threading, time
from webapp import create_app
from webapp.loader import EXTENSION

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

class Peak:
    def __enter__(self):
        self.before = self.peak = rss_mib()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample)
        self.thread.start()
        return self
    def sample(self):
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.002)
    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, rss_mib())

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

folder, names = sys.argv[1], json.loads(sys.argv[2])
app = create_app({"LOAD_MODEL_AT_START": False, "INFERENCE_THREADS": 1})
app.extensions[EXTENSION].get()
client = app.test_client()
warm = open(folder + "/warm.jpg", "rb").read()
for _ in range(3):
    assert client.post("/api/predict", data=warm, content_type="image/jpeg").status_code == 200
plain = open(folder + "/plain.png", "rb").read()
readings = []
for _ in range(3):
    started = cpu()
    client.post("/api/predict", data=plain, content_type="image/png")
    readings.append(cpu() - started)
report = {"cases": {}, "reading_cpu": min(readings)}
for index, name in enumerate(names):
    data = open(f"{folder}/{index}.bin", "rb").read()
    started = cpu()
    with Peak() as peak:
        response = client.post("/api/predict", data={"image": (io.BytesIO(data), "picture")})
    report["cases"][name] = {
        "status": response.status_code,
        "cpu": cpu() - started,
        "growth_mib": peak.peak - peak.before,
        "error": (response.get_json() or {}).get("error"),
    }
batch = [(io.BytesIO(open(f"{folder}/batch.bin", "rb").read()), f"{i}.png") for i in range(16)]
started = cpu()
with Peak() as peak:
    response = client.post("/api/predict/batch", data={"image": batch})
report["batch"] = {"status": response.status_code, "cpu": cpu() - started, "growth_mib": peak.peak - peak.before}
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("shapes")
    table = hostile_shapes()
    for index, (data, _statuses) in enumerate(table.values()):
        (folder / f"{index}.bin").write_bytes(data)
    (folder / "batch.bin").write_bytes(constant_png(17000, 900, "P"))
    (folder / "plain.png").write_bytes(constant_png(896, 896, "RGB"))
    (folder / "warm.jpg").write_bytes((PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").read_bytes())
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder), json.dumps(list(table))],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {"report": json.loads(result.stdout.strip().splitlines()[-1]), "cases": table}


def test_every_shape_gets_its_status_within_its_cpu_budget(measured):
    report = measured["report"]
    wrong = {
        name: found
        for name, found in report["cases"].items()
        if found["status"] not in measured["cases"][name][1]
        or found["cpu"] - report["reading_cpu"] > CPU_SECONDS_PER_PICTURE
    }
    assert not wrong, wrong
    for name, found in report["cases"].items():
        if found["status"] != 200:
            assert found["error"] and "/" not in found["error"].replace("w/", ""), (name, found)  # words, no path


def test_no_picture_and_no_batch_blows_up_a_worker(measured):
    report = measured["report"]
    grown = {
        name: round(found["growth_mib"]) for name, found in report["cases"].items() if found["growth_mib"] > PICTURE_MIB
    }
    assert not grown, grown
    assert report["batch"]["status"] == 200 and report["batch"]["growth_mib"] <= BATCH_MIB, report["batch"]


@pytest.mark.parametrize(
    ("size", "reduced"),
    [
        ((4032, 3024), (672, 504)),
        ((1000, 1000), (500, 500)),
        ((890, 600), (890, 600)),
        ((17000, 900), (1700, 90)),
        ((900, 17000), (90, 1700)),
    ],
)
def test_pictures_are_reduced_by_their_short_and_their_long_side(size, reduced):
    factor = reduction_factor(size)
    assert (size[0] // factor, size[1] // factor) == reduced
    assert max(reduced) <= MAX_LONG_SIDE or min(size) // factor >= WORK_SIZE


def test_the_sample_files_are_what_they_claim(tmp_path):
    """The crafted files open with the size and layout the cases name (a broken sample would test nothing)."""
    bmp = Image.open(io.BytesIO(rle8_bmp(1400, 1400)))
    assert bmp.size == (1400, 1400) and bmp.tile[0][0] == "bmp_rle"
    assert Image.open(io.BytesIO(constant_png(1, 39_999_999))).size == (1, 39_999_999)
    path = Path(tmp_path / "striped.tiff")
    path.write_bytes(striped_tiff(300, 200))
    with Image.open(path) as tiff:
        assert tiff.size == (300, 200) and tiff.tag_v2[278] == 1  # RowsPerStrip


def test_a_200_megapixel_phone_jpeg_is_read_at_an_eighth_of_its_size():
    from recognition.decode import decode_picture
    from tests.support.samples import big_phone_jpeg

    picture = decode_picture(big_phone_jpeg(16320, 12240))  # decoded at 2040x1530, then reduced as any picture
    assert picture.size == (16320 // 8 // 3, 12240 // 8 // 3)


def test_a_progressive_jpegs_full_size_coefficients_are_counted_before_decoding():
    import time

    from recognition.decode import DecodeLimits, ImageRejected, decode_picture

    buffer = io.BytesIO()
    Image.new("L", (4000, 4000), 128).save(buffer, "JPEG", progressive=True, quality=50)
    started = time.perf_counter()
    with pytest.raises(ImageRejected) as refused:  # decoded at 1/8 it is 0.25 MB; libjpeg would hold 32 MB
        decode_picture(buffer.getvalue(), DecodeLimits(max_megapixels=40, max_decoded_mb=16))
    assert "MB to decode" in refused.value.message and time.perf_counter() - started < 0.2
    baseline = io.BytesIO()
    Image.new("L", (4000, 4000), 128).save(baseline, "JPEG", quality=50)
    assert decode_picture(baseline.getvalue(), DecodeLimits(max_megapixels=40, max_decoded_mb=16)).size


def test_an_rgba_pictures_reduce_copy_is_counted():
    from recognition.decode import DecodeLimits, ImageRejected, decode_picture

    buffer = io.BytesIO()
    Image.new("RGBA", (3000, 3000), (10, 200, 30, 128)).save(buffer, "PNG")
    with pytest.raises(ImageRejected):  # 36 MB decoded and a 36 MB premultiplied copy: over 60 MB
        decode_picture(buffer.getvalue(), DecodeLimits(max_megapixels=40, max_decoded_mb=60))
    assert decode_picture(buffer.getvalue(), DecodeLimits(max_megapixels=40, max_decoded_mb=80)).mode == "RGB"


def test_a_tiff_with_a_million_strips_is_refused_from_its_header():
    import struct
    import time

    from recognition.decode import ImageRejected, decode_picture

    entries = [(256, 4, 1, 33), (257, 4, 1, 1_200_000), (258, 3, 1, 8), (273, 4, 1_200_000, 0), (277, 3, 1, 1)]
    header = b"II" + struct.pack("<HI", 42, 8) + struct.pack("<H", len(entries))
    header += b"".join(struct.pack("<HHII", *entry) for entry in entries) + b"\0\0\0\0"
    started = time.perf_counter()
    with pytest.raises(ImageRejected) as refused:
        decode_picture(header + b"\0" * 1000)
    assert "strips" in refused.value.message and time.perf_counter() - started < 0.05


def test_decodes_at_once_share_one_budget_of_bytes():
    import threading
    import time

    from recognition.decode_cost import DecodeMemory

    memory = DecodeMemory(10, wait_seconds=2)
    order: list[str] = []
    with memory.held(6) as first:
        assert first

        def second() -> None:
            with memory.held(6) as granted:
                order.append(f"second {granted}")

        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.2)
        order.append("first done")
    waiting.join(3)
    assert order == ["first done", "second True"]  # the second waited for the first's bytes
    with memory.held(11) as too_big:
        assert not too_big  # more than the whole budget: refused at once
    short = DecodeMemory(10, wait_seconds=0.1)
    with short.held(8), short.held(8) as late:
        assert not late


def test_a_48_mp_progressive_phone_jpeg_is_accepted_with_its_coefficients_counted():
    from recognition.decode import DecodeBudget, DecodeLimits, decode_picture
    from recognition.memory import configure_process

    configure_process()
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), (120, 90, 60)).save(buffer, "JPEG", progressive=True, quality=80)
    budget = DecodeBudget(480)
    picture = decode_picture(buffer.getvalue(), DecodeLimits(), budget)
    assert picture.size == (1000, 750)
    assert 479 * 2**20 - budget.left > 130 * 2**20  # the full-size coefficients (about 140 MB) were charged
