"""What cameras and people do to a photo of a hand: turned in 3-D, motion blur, sensor noise, dark, low resolution.

Pixel-level renderings for the domain-shift set (:mod:`training.shift`); each takes an RGB uint8
image and, where it draws, the shift set's random generator, and returns a new RGB uint8 image.
"""

from __future__ import annotations

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
