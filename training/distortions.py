"""What cameras and people do to a photo of a hand: turned in 3-D, motion blur, sensor noise, dark, low resolution.

Pixel-level renderings for the domain-shift set (:mod:`training.shift`); each takes an RGB uint8
image and, where it draws, the shift set's random generator, and returns a new RGB uint8 image.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from scipy import ndimage


def wall_colour(image: np.ndarray) -> tuple[int, int, int]:
    return tuple(int(v) for v in np.median(image[:8].reshape(-1, 3), axis=0))


def perspective_coefficients(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """Return PIL's 8 perspective coefficients mapping output corners ``target`` to input corners ``source``."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return np.linalg.solve(np.array(rows, float), np.array(source, float).reshape(8)).tolist()


def turned(
    image: np.ndarray, rng: np.random.Generator, squeeze_share: tuple[float, float] = (0.12, 0.22)
) -> np.ndarray:
    """Return ``image`` as if the hand were turned in 3-D: one side of the frame pulled in (a perspective warp).

    ``squeeze_share`` bounds how far each corner of the receding edge moves, as a share of the side.
    """
    size = image.shape[0]
    squeeze = float(rng.uniform(*squeeze_share)) * size
    corners = [(0, 0), (size, 0), (size, size), (0, size)]
    moved = [list(c) for c in corners]
    # The receding edge's two corners move towards each other: (corner, axis, direction) for
    # the left, right, top and bottom edge.
    pulls = (((0, 1, 1), (3, 1, -1)), ((1, 1, 1), (2, 1, -1)), ((0, 0, 1), (1, 0, -1)), ((3, 0, 1), (2, 0, -1)))
    for corner, axis, direction in pulls[int(rng.integers(4))]:
        moved[corner][axis] += direction * squeeze
    coefficients = perspective_coefficients(corners, [tuple(c) for c in moved])
    picture = Image.fromarray(image).transform(
        (size, size), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR, fillcolor=wall_colour(image)
    )
    return np.asarray(picture)


def motion_blur(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return ``image`` smeared along a random direction over 9-15 pixels, as a moving hand or camera does."""
    length = int(rng.integers(9, 16))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    kernel = ndimage.rotate(kernel, float(rng.uniform(0, 180)), reshape=False, order=1)
    kernel /= kernel.sum()
    channels = [ndimage.convolve(image[..., c].astype(np.float32), kernel, mode="nearest") for c in range(3)]
    return np.clip(np.stack(channels, axis=-1), 0, 255).astype(np.uint8)


def noisy(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    return np.clip(image.astype(np.float32) + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)


def under_exposed(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return ``image`` as a dim phone photo: a quarter of the light, brightened back with its noise and banding."""
    dim = np.round(image.astype(np.float32) * 0.22)
    return np.clip(noisy(dim.astype(np.uint8), rng, 2.0).astype(np.float32) * 3.2, 0, 255).astype(np.uint8)


def low_resolution(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    size = image.shape[0]
    small = int(rng.integers(28, 44))
    tiny = Image.fromarray(image).resize((small, small), Image.Resampling.BILINEAR)
    return np.asarray(tiny.resize((size, size), Image.Resampling.BILINEAR))


def solid(colour: np.ndarray, size: int) -> np.ndarray:
    return np.broadcast_to(colour.astype(np.uint8), (size, size, 3)).copy()


def photometric(image: np.ndarray, enhancer: type, factor: float) -> np.ndarray:
    return np.asarray(enhancer(Image.fromarray(image)).enhance(factor))


def tint(image: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    return np.clip(image.astype(np.float32) * np.array(gains), 0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def fill_frame(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    size = image.shape[0]
    if rows.size == 0:
        return image
    side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    side = int(np.clip(side * 1.05, size // 3, size))
    centre_y, centre_x = (rows[0] + rows[-1]) // 2, (cols[0] + cols[-1]) // 2
    top = int(np.clip(centre_y - side // 2, 0, size - side))
    left = int(np.clip(centre_x - side // 2, 0, size - side))
    crop = Image.fromarray(image[top : top + side, left : left + side])
    return np.asarray(crop.resize((size, size), Image.Resampling.BILINEAR))


def skin_tone(image: np.ndarray, mask: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    """Return ``image`` with the hand's pixels re-toned by ``gains``, the edge feathered."""
    alpha = ndimage.gaussian_filter(mask.astype(np.float32), 1.0)[..., None]
    toned = np.clip(image.astype(np.float32) * np.array(gains, np.float32), 0, 255)
    return (toned * alpha + image.astype(np.float32) * (1 - alpha)).astype(np.uint8)


def pasted(
    image: np.ndarray,
    mask: np.ndarray,
    background: np.ndarray,
    size: tuple[int, int],
    side: int,
    corner: tuple[int, int],
) -> np.ndarray:
    """Return ``background`` resized to ``size`` with the hand of ``image`` (``side`` pixels) pasted at ``corner``."""
    scene = Image.fromarray(background).resize(size, Image.Resampling.BILINEAR)
    hand = Image.fromarray(image).resize((side, side), Image.Resampling.BILINEAR)
    alpha = Image.fromarray((ndimage.gaussian_filter(mask.astype(np.float32), 1.0) * 255).astype(np.uint8)).resize(
        (side, side)
    )
    scene.paste(hand, corner, alpha)
    return np.asarray(scene)


def wide(image: np.ndarray, mask: np.ndarray, background: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return a 16:9 or 4:3 frame with the hand (a third to a half of its height) off-centre on ``background``."""
    height = image.shape[0]
    width = round(height * (16 / 9 if rng.random() < 0.5 else 4 / 3))
    side = int(height * rng.uniform(0.55, 0.75))  # the photo's hand fills most of it
    left = (
        int(rng.uniform(0.0, 0.12) * width)
        if rng.random() < 0.5
        else width - side - int(rng.uniform(0.0, 0.12) * width)
    )
    return pasted(image, mask, background, (width, height), side, (left, int(rng.integers(0, height - side + 1))))


def distant(image: np.ndarray, mask: np.ndarray, background: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return a 4:3 photo, either way up, with the hand (a quarter to 0.4 of its short side) anywhere in it."""
    short = 336
    width, height = (448, short) if rng.random() < 0.5 else (short, 448)
    side = int(short * rng.uniform(0.25, 0.4) / 0.8)  # the photo's hand fills about 0.8 of it
    corner = (int(rng.integers(0, width - side + 1)), int(rng.integers(0, height - side + 1)))
    return pasted(image, mask, background, (width, height), side, corner)


def person_behind(
    background: np.ndarray, size: tuple[int, int], rng: np.random.Generator, face_side: int, centre_x: int
) -> np.ndarray:
    """Return ``background`` resized to ``size`` with a drawn person on it: a skin-coloured face with hair and
    eyes, a neck and shoulders in a shirt, the face ``face_side`` pixels wide, centred at ``centre_x``."""
    from PIL import ImageDraw

    scene = Image.fromarray(background).resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(scene)
    height = size[1]
    skin = tuple(int(v) for v in np.array([224, 172, 140]) * rng.uniform(0.5, 1.05))
    shirt = tuple(int(v) for v in rng.integers(0, 256, 3))
    top = int(height * rng.uniform(0.05, 0.2))
    face_height = int(face_side * 1.3)
    draw.rounded_rectangle(
        (centre_x - int(1.4 * face_side), top + face_height + face_side // 4, centre_x + int(1.4 * face_side), height),
        face_side // 3,
        fill=shirt,
    )
    draw.rectangle(
        (
            centre_x - face_side // 5,
            top + face_height - 10,
            centre_x + face_side // 5,
            top + face_height + face_side // 4,
        ),
        fill=skin,
    )
    hair = tuple(int(v) for v in rng.integers(10, 90, 3))
    draw.ellipse(
        (centre_x - face_side // 2 - 6, top - 12, centre_x + face_side // 2 + 6, top + face_height // 2), fill=hair
    )
    draw.ellipse((centre_x - face_side // 2, top, centre_x + face_side // 2, top + face_height), fill=skin)
    for eye in (-1, 1):
        x, y = centre_x + eye * face_side // 5, top + face_height // 2 - face_side // 10
        draw.ellipse(
            (x - face_side // 14, y - face_side // 24, x + face_side // 14, y + face_side // 24), fill=(40, 30, 30)
        )
    draw.arc(
        (
            centre_x - face_side // 5,
            top + int(face_height * 0.68),
            centre_x + face_side // 5,
            top + int(face_height * 0.82),
        ),
        20,
        160,
        fill=(120, 50, 50),
        width=3,
    )
    return np.asarray(scene)


def webcam_frame(
    image: np.ndarray,
    mask: np.ndarray,
    background: np.ndarray,
    rng: np.random.Generator,
    hand_share: tuple[float, float] = (0.3, 0.5),
    over_face: bool = False,
) -> np.ndarray:
    """Return a 640x480 webcam frame of a room with a person in it holding the hand up (``hand_share`` of the
    frame's height), beside the face, or in front of it with ``over_face``."""
    size = (640, 480)
    side = int(size[1] * rng.uniform(*hand_share) / 0.8)  # the photo's hand fills about 0.8 of it
    face_side = int(rng.uniform(0.2, 0.3) * size[1])
    centre_x = int(rng.uniform(0.3, 0.7) * size[0])
    scene = person_behind(background, size, rng, face_side, centre_x)
    if over_face:
        left = centre_x - side // 2 + int(rng.integers(-face_side // 3, face_side // 3 + 1))
        top = int(rng.uniform(0.0, 0.15) * size[1])
    else:
        away = face_side + side // 3
        left = centre_x + (away if (rng.random() < 0.5 and centre_x + away + side <= size[0]) else -away - side)
        top = int(rng.uniform(0.15, 0.45) * size[1])
    left = int(np.clip(left, -side // 6, size[0] - side + side // 6))
    top = int(np.clip(top, 0, size[1] - side // 2))
    return pasted(image, mask, scene, size, side, (left, top))
