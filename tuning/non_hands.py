"""Pictures that hold no hand, for choosing and checking the "no hand" rule: what people send by mistake.

Pictures shipped with the installed libraries (animals, faces, food, objects, scenes), drawn ones
(plain colours, gradients, noise, shapes, patterns, skin-coloured blobs, text) and people who are
not signing (a face on shoulders, some with their arms crossed), as a kiosk sees them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def package_pictures() -> list[np.ndarray]:
    """Every RGB-able picture shipped in scikit-image, matplotlib's sample data and scikit-learn (none is a hand)."""
    import matplotlib
    import sklearn.datasets
    from skimage.data import data_dir

    paths = sorted(Path(data_dir).glob("*.png")) + sorted(Path(data_dir).glob("*.jpg"))
    paths += sorted((Path(matplotlib.get_data_path()) / "sample_data").glob("*.[pj][np]g"))
    paths += sorted((Path(sklearn.datasets.__file__).parent / "images").glob("*.jpg"))
    pictures = []
    for path in paths:
        try:
            with Image.open(path) as picture:
                rgb = picture.convert("RGB")
        except OSError:
            continue
        if min(rgb.size) >= 32:
            rgb.thumbnail((640, 640))
            pictures.append(np.asarray(rgb))
    return pictures


def synthetic_non_hands(rng: np.random.Generator) -> list[np.ndarray]:
    """Plain colours, gradients, noise, shapes, patterns, skin-coloured blobs and text: what people send by mistake."""
    pictures = []
    for _ in range(12):
        pictures.append(np.full((240, 320, 3), rng.integers(0, 256, 3), np.uint8))
    for _ in range(6):
        ramp = np.linspace(0, 1, 320)[None, :, None]
        pictures.append(
            (rng.integers(0, 256, 3) * ramp + rng.integers(0, 256, 3) * (1 - ramp)).repeat(240, 0).astype(np.uint8)
        )
    for _ in range(6):
        pictures.append(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8))
    for _ in range(6):  # shapes on a colour
        canvas = Image.new("RGB", (320, 240), tuple(int(v) for v in rng.integers(0, 256, 3)))
        draw = ImageDraw.Draw(canvas)
        for _shape in range(4):
            x, y = int(rng.integers(0, 260)), int(rng.integers(0, 180))
            box = (x, y, x + int(rng.integers(20, 120)), y + int(rng.integers(20, 120)))
            fill = tuple(int(v) for v in rng.integers(0, 256, 3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
        pictures.append(np.asarray(canvas))
    for _ in range(6):  # stripes and checkerboards
        cell = int(rng.integers(8, 48))
        ys, xs = np.mgrid[0:240, 0:320] // cell
        pattern = ((xs + ys) % 2 if rng.random() < 0.5 else xs % 2).astype(bool)
        a, b = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        pictures.append(np.where(pattern[..., None], a, b).astype(np.uint8))
    for _ in range(6):  # soft skin-coloured blobs: the colour of a hand without its shape
        canvas = Image.new("RGB", (320, 240), tuple(int(v) for v in rng.integers(0, 256, 3)))
        skin = tuple(int(v) for v in np.array([224, 172, 140]) * rng.uniform(0.5, 1.05))
        x, y = int(rng.integers(40, 200)), int(rng.integers(20, 120))
        ImageDraw.Draw(canvas).ellipse(
            (x, y, x + int(rng.integers(60, 120)), y + int(rng.integers(60, 120))), fill=skin
        )
        pictures.append(np.asarray(canvas.filter(ImageFilter.GaussianBlur(4))))
    for words in ("Hello", "ASL 7", "1 2 3 4 5", "receipt total 12.50", "no hand here", "0123456789"):
        canvas = Image.new("RGB", (320, 240), tuple(int(v) for v in rng.integers(180, 256, 3)))
        ImageDraw.Draw(canvas).text((20, 100), words, fill=(0, 0, 0))
        pictures.append(np.asarray(canvas))
    return pictures


def people_non_hands(rng: np.random.Generator, count: int = 40) -> list[np.ndarray]:
    """People who are not signing, as a kiosk sees them: a face (scikit-image's LFW faces, skin-toned and
    enlarged) on a neck and shoulders in a shirt, in front of a wall, some with their arms crossed."""
    from skimage.data import lfw_subset

    faces = lfw_subset()[:100]  # the first hundred are faces, the rest are not
    pictures = []
    for index in range(count):
        wall = tuple(int(v) for v in rng.integers(90, 235, 3))
        canvas = Image.new("RGB", (480, 360), wall)
        draw = ImageDraw.Draw(canvas)
        skin = np.array([224, 172, 140]) * rng.uniform(0.45, 1.05)
        centre, side = int(rng.integers(150, 330)), int(rng.integers(90, 150))
        shirt = tuple(int(v) for v in rng.integers(0, 256, 3))
        top = 40 + side
        draw.rounded_rectangle(
            (centre - int(1.3 * side), top + side // 3, centre + int(1.3 * side), 400), 40, fill=shirt
        )
        draw.rectangle(
            (centre - side // 6, top - 10, centre + side // 6, top + side // 3), fill=tuple(int(v) for v in skin)
        )
        if index % 3 == 0:  # arms crossed in front of the body
            y = top + side
            for offset in (-12, 12):
                draw.rounded_rectangle(
                    (centre - int(1.2 * side), y + offset, centre + int(1.2 * side), y + offset + side // 3),
                    side // 6,
                    fill=tuple(int(v) for v in skin * rng.uniform(0.9, 1.05)),
                )
        face = faces[int(rng.integers(len(faces)))][..., None] * skin[None, None, :] * 1.15
        head = Image.fromarray(np.clip(face, 0, 255).astype(np.uint8)).resize((side, int(side * 1.2)), Image.BICUBIC)
        hair = tuple(int(v) for v in rng.integers(10, 120, 3))
        draw.ellipse((centre - side // 2 - 8, 30, centre + side // 2 + 8, 40 + side), fill=hair)
        canvas.paste(head, (centre - side // 2, 40))
        pictures.append(np.asarray(canvas.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.0, 1.2))))))
    return pictures
