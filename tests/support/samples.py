"""Pictures that tests and benches share: synthetic hands, encodings, and files made to cost or break decoders."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

WALL = (214, 214, 220)
SKIN = (205, 140, 105)


def synthetic_hand(digit: int, size: int = 100, seed: int = 0) -> Image.Image:
    """Draw a skin-coloured 'hand' whose finger count is the digit, on a light wall."""
    rng = np.random.default_rng(seed * 10 + digit)
    image = np.zeros((size, size, 3), np.float32) + np.array(WALL) + rng.normal(0, 3, (size, size, 3))
    palm_top = int(size * 0.55)
    image[palm_top:size, int(size * 0.3) : int(size * 0.7)] = SKIN
    for finger in range(digit % 5 + 1):
        left = int(size * (0.3 + finger * 0.08))
        top = int(size * (0.15 + 0.05 * (digit // 5)))
        image[top:palm_top, left : left + int(size * 0.05)] = SKIN
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))


def encode(image: Image.Image, format: str = "JPEG", **params) -> bytes:
    """Return ``image`` encoded in ``format`` (``"HEIF"`` too: the web app registers pillow-heif)."""
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def sample_hand() -> Image.Image:
    """A small synthetic hand, the base of the crafted files below."""
    return synthetic_hand(4, 120, 2)


def jpeg_with_bad_exif() -> bytes:
    """Orientation 6 plus an ASCII value in a LONG-typed tag: Pillow's exif_transpose raises struct.error on it."""
    entries = [(0x0112, 3, 1, struct.pack("<HH", 6, 0)), (0x0124, 2, 4, b"Cam\x00")]  # tag, type, count, value
    ifd = (
        struct.pack("<H", len(entries))
        + b"".join(struct.pack("<HHI", t, k, n) + v for t, k, n, v in entries)
        + b"\0\0\0\0"
    )
    exif = b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + ifd
    return encode(sample_hand(), exif=exif)


def progressive_jpeg_with_repeated_scans(repeats: int) -> bytes:
    """A progressive JPEG whose last scan is repeated ``repeats`` times (each repeat costs a full pass)."""
    data = encode(sample_hand().resize((64, 64)), progressive=True)
    last_scan = data.rindex(b"\xff\xda")
    return data[:last_scan] + data[last_scan:-2] * repeats + b"\xff\xd9"


def png_16bit(width: int, height: int) -> bytes:
    """A 16-bit greyscale PNG of constant rows, tiny on disk however large."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + b"\x40\x00" * width
    compressor = zlib.compressobj(9)
    rows = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def constant_png(width: int, height: int, mode: str = "L") -> bytes:
    """A PNG of ``width`` x ``height`` constant pixels, a few KB on disk however large: ``L``, ``RGB`` or ``P`` (with
    transparency)."""
    colour_type, channels = {"L": (0, 1), "RGB": (2, 3), "P": (3, 1), "RGBA": (6, 4)}[mode]
    row = b"\x00" + b"\x80" * (width * channels)
    compressor = zlib.compressobj(9)
    rows_per_call = max(1, (1 << 22) // len(row))
    parts = [compressor.compress(row * min(rows_per_call, height - done)) for done in range(0, height, rows_per_call)]
    body = b"".join(parts) + compressor.flush()
    chunks = [_png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))]
    if mode == "P":
        chunks += [_png_chunk(b"PLTE", bytes(range(256)) * 3), _png_chunk(b"tRNS", b"\x00" * 128 + b"\xff" * 128)]
    chunks += [_png_chunk(b"IDAT", body), _png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def tiff_with_strip_count(width: int, height: int, strips: int) -> bytes:
    """A TIFF header and first directory claiming ``strips`` strips (the offsets themselves are not there)."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (273, 4, strips, 0), (277, 3, 1, 1)]
    header = b"II" + struct.pack("<HI", 42, 8) + struct.pack("<H", len(entries))
    return header + b"".join(struct.pack("<HHII", *entry) for entry in entries) + b"\0" * 1004


def png_with_big_exif(entries: int = 130_000) -> bytes:
    """A small PNG whose eXIf chunk holds ``entries`` IFD entries, orientation 6 among them (PNG sets no cap)."""
    ifd = struct.pack("<H", min(entries, 65535)) + struct.pack("<HHII", 0x0112, 3, 1, 6)
    ifd += struct.pack("<HHII", 0x010E, 2, 4, 0) * (min(entries, 65535) - 1) + b"\0\0\0\0"
    exif = b"II*\x00" + struct.pack("<I", 8) + ifd
    exif = exif * max(1, entries // 65535)
    plain = encode(sample_hand(), "PNG")
    return plain[:33] + _png_chunk(b"eXIf", exif) + plain[33:]


def decoder_heavy_shapes() -> dict[str, tuple[bytes, set[int]]]:
    """Name -> (file, the statuses it may get): pictures whose decoder holds far more than the picture decoded."""
    progressive = io.BytesIO()
    Image.new("L", (16000, 16000), 128).save(progressive, "JPEG", progressive=True, quality=20)
    tiff16 = io.BytesIO()
    Image.fromarray(np.full((2600, 10400), 30000, np.uint16)).save(
        tiff16, "TIFF", compression="tiff_adobe_deflate", tiffinfo={278: 2600}
    )
    return {
        "progressive grey JPEG 16000x16000": (progressive.getvalue(), {413}),
        "RGBA PNG 5400x5400": (constant_png(5400, 5400, "RGBA"), {413}),
        "TIFF 33x1200000 claiming a strip per row": (tiff_with_strip_count(33, 1_200_000, 1_200_000), {413}),
        "PNG with 130000 EXIF entries, orientation 6": (png_with_big_exif(), {200}),
        "16-bit grey TIFF 10400x2600 in one deflate strip": (tiff16.getvalue(), {200, 413}),
    }


def rle8_bmp(width: int, height: int) -> bytes:
    """A run-length (RLE8) BMP with one pixel then end-of-line on every row: bytes per row, pixels per row."""
    pixels = b"\x01\x07\x00\x00" * height + b"\x00\x01"  # a run of one pixel of colour 7, end of line; end of bitmap
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))
    offset = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    return b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + info + palette + pixels


def striped_tiff(width: int, height: int, rows_per_strip: int = 1) -> bytes:
    """An uncompressed greyscale TIFF cut into strips of ``rows_per_strip`` rows (one decoder call per strip)."""
    buffer = io.BytesIO()
    Image.new("L", (width, height), 128).save(buffer, "TIFF", tiffinfo={278: rows_per_strip})  # 278: RowsPerStrip
    return buffer.getvalue()


def encoded(mode: str, size: tuple[int, int], format: str, **params) -> bytes:
    """A plain picture of ``mode`` and ``size`` in ``format``."""
    buffer = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("L", "P") else (120, 90, 60)).save(buffer, format, **params)
    return buffer.getvalue()


def hostile_shapes() -> dict[str, tuple[bytes, set[int]]]:
    """Name -> (file, the statuses it may get): pictures that blow up by shape or by decoder, and their fair twins."""
    refused = {400, 413}
    return {
        "grey PNG 44692x895": (constant_png(44692, 895), refused),
        "palette PNG with transparency 44692x895": (constant_png(44692, 895, "P"), refused),
        "grey PNG 1x39999999": (constant_png(1, 39_999_999), refused),
        "grey PNG 17000x900": (constant_png(17000, 900), {200}),
        "palette PNG with transparency 17000x900": (constant_png(17000, 900, "P"), {200}),
        "RGB PNG 5600x5600": (constant_png(5600, 5600, "RGB"), {200}),
        "RGB PNG 7000x7000": (constant_png(7000, 7000, "RGB"), refused),
        "RLE8 BMP 40000x1000": (rle8_bmp(40000, 1000), refused),
        "RLE8 BMP 3000x3000": (rle8_bmp(3000, 3000), refused),
        "RLE8 BMP 1400x1400": (rle8_bmp(1400, 1400), {200}),
        "TIFF 33x120000, a strip per row": (striped_tiff(33, 120_000), refused),
        "TIFF 3000x3000, a strip per row": (striped_tiff(3000, 3000), {200}),
        "TIFF 1000x5000, a strip per row": (striped_tiff(1000, 5000), refused),
        "16-bit grey PNG 7200x5000": (png_16bit(7200, 5000), {200}),
        "GIF 16000x900": (encoded("P", (16000, 900), "GIF"), {200}),
        "WebP 16000x900": (encoded("RGB", (16000, 900), "WEBP", quality=50), refused),
        "WebP 3000x2000": (encoded("RGB", (3000, 2000), "WEBP", quality=50), {200}),
        "JPEG 16000x900": (encoded("RGB", (16000, 900), "JPEG", quality=50), {200}),
        "JPEG 30000x1000": (encoded("L", (30000, 1000), "JPEG", quality=50), refused),
        "AVIF 4000x200": (encoded("RGB", (4000, 200), "AVIF", quality=30), {200}),
    }


def big_phone_jpeg(width: int, height: int) -> bytes:
    """A ``width`` x ``height`` camera-sized JPEG of a hand filling most of a smooth scene (as a 48- or 200-MP phone
    makes)."""
    from recognition.paths import PROJECT_ROOT

    hand = Image.open(PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").convert("RGB")
    return encode(hand.resize((width, height), Image.Resampling.BILINEAR), quality=85)


def big_phone_heic(width: int, height: int) -> bytes:
    """As :func:`big_phone_jpeg`, in HEIC as an iPhone stores it (tiles of 512 pixels a side)."""
    import pillow_heif

    from recognition.memory import configure_process
    from recognition.paths import PROJECT_ROOT

    configure_process()  # the HEIF encoder, as the app registers it
    hand = Image.open(PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").convert("RGB")
    tile_size, pillow_heif.options.GRID_TILE_SIZE = pillow_heif.options.GRID_TILE_SIZE, 512
    try:
        return encode(hand.resize((width, height), Image.Resampling.BILINEAR), "HEIF", quality=50)
    finally:
        pillow_heif.options.GRID_TILE_SIZE = tile_size


def tiff_32bit(width: int, height: int) -> bytes:
    """Return a deflated 32-bit greyscale TIFF of ``width`` x ``height``: small to send, large to decode."""
    buffer = io.BytesIO()
    Image.fromarray(np.full((height, width), 70000, np.int32), "I").save(buffer, "TIFF", compression="tiff_deflate")
    return buffer.getvalue()
