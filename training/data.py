"""Find labelled images, split them reproducibly and load them as model inputs."""

from __future__ import annotations

import json
import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from sklearn.model_selection import StratifiedGroupKFold

from recognition.preprocessing import CLASS_NAMES, IMAGE_SIZE, to_model_input, to_rgb

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
SPLITS = ("train", "valid", "test")
MANIFEST_VERSION = 2
# The dataset's file names are camera counters: one student's ten digits carry consecutive
# numbers, so ``number - digit`` is one key per student; retakes shift it by 1-2.
FILE_NUMBER = re.compile(r"(\d+)(?=\.[^.]+$)")
SAME_SUBJECT_GAP = 2


class DataError(Exception):
    """The data folder or manifest cannot be used; the message says why."""


@dataclass
class LoadedImages:
    """Images as model inputs with their labels, plus the files that could not be read."""

    images: np.ndarray  # (N, 224, 224, 3) uint8
    labels: np.ndarray  # (N,) int32
    paths: list[str]
    skipped: list[str] = field(default_factory=list)


def discover(root: Path) -> list[tuple[str, int]]:
    """List ``(relative path, label)`` for every candidate image under ``root/<digit>/``."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"data folder not found: {root}")
    present = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name in CLASS_NAMES)
    if len(present) < len(CLASS_NAMES):
        missing = [name for name in CLASS_NAMES if name not in present]
        raise DataError(
            f"{root} has {len(present)} of the {len(CLASS_NAMES)} class folders 0-9; missing: {', '.join(missing)}"
        )
    items: list[tuple[str, int]] = []
    for label, name in enumerate(CLASS_NAMES):
        files = sorted(p for p in (root / name).iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise DataError(f"class folder {root / name} has no images")
        items.extend((p.relative_to(root).as_posix(), label) for p in files)
    return items


def extra_images(root: Path) -> list[str]:
    """List the images under ``root/<digit>/`` for whichever digits are there (a folder of corrections)."""
    return [
        path.relative_to(root).as_posix()
        for path in sorted(Path(root).glob("[0-9]/*"))
        if path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")
    ]


def subject_groups(items: list[tuple[str, int]], gap: int = SAME_SUBJECT_GAP) -> dict[str, int]:
    """Return a group number per path: files whose ``number - digit`` keys lie within ``gap`` share one.

    Files without a number in their name are each a group of their own.
    """
    keyed: list[tuple[int, str]] = []
    groups: dict[str, int] = {}
    for path, label in items:
        match = FILE_NUMBER.search(path.rsplit("/", 1)[-1])
        if match:
            keyed.append((int(match.group(1)) - label, path))
    keyed.sort()
    group, previous = -1, None
    for key, path in keyed:
        if previous is None or key - previous > gap:
            group += 1
        groups[path] = group
        previous = key
    for path, _label in items:
        if path not in groups:
            group += 1
            groups[path] = group
    return groups


def _hold_out(
    paths: list[str], labels: list[int], groups: list[int], fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """Return (kept, held-out) indices: about ``fraction`` of the groups, stratified by label."""
    folds = max(2, round(1 / fraction))
    if len(set(groups)) < folds:
        raise DataError(f"too few subjects ({len(set(groups))}) to hold out {fraction:.0%} of them")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    kept, held = next(splitter.split(paths, labels, groups))
    return list(kept), list(held)


def split(
    items: list[tuple[str, int]],
    seed: int = 42,
    valid_fraction: float = 0.15,
    test_fraction: float = 0.15,
) -> dict[str, list[str]]:
    """Split ``items`` into train/valid/test by subject (no person in two splits), stratified by digit."""
    if not 0 < valid_fraction < 1 or not 0 < test_fraction < 1 or valid_fraction + test_fraction >= 1:
        raise DataError("valid and test fractions must be in (0, 1) and sum to less than 1")
    group_of = subject_groups(items)
    paths = [path for path, _ in items]
    labels = [label for _, label in items]
    groups = [group_of[path] for path in paths]
    rest, test = _hold_out(paths, labels, groups, test_fraction, seed)
    train, valid = _hold_out(
        [paths[i] for i in rest],
        [labels[i] for i in rest],
        [groups[i] for i in rest],
        valid_fraction / (1 - test_fraction),
        seed,
    )
    return {
        "train": sorted(paths[rest[i]] for i in train),
        "valid": sorted(paths[rest[i]] for i in valid),
        "test": sorted(paths[i] for i in test),
    }


def label_of(relative_path: str) -> int:
    """Return the class index named by the first folder of ``relative_path``."""
    folder = relative_path.split("/", 1)[0]
    if folder not in CLASS_NAMES:
        raise DataError(f"{relative_path!r} is not inside a class folder 0-9")
    return CLASS_NAMES.index(folder)


def write_manifest(path: Path, splits: dict[str, list[str]], seed: int, data_name: str) -> None:
    """Save ``splits`` as a JSON manifest of paths relative to the data folder, with each file's subject group.

    ``data_name`` names the data folder without a machine's path (e.g. ``sign-language-digits/Dataset``).
    """
    items = [(relative, label_of(relative)) for name in SPLITS for relative in splits[name]]
    document = {
        "version": MANIFEST_VERSION,
        "seed": seed,
        "data": data_name,
        "split_by": f"subject: files whose number minus digit lie within {SAME_SUBJECT_GAP} form one group",
        "class_names": list(CLASS_NAMES),
        "counts": {name: len(splits[name]) for name in SPLITS},
        "splits": {name: splits[name] for name in SPLITS},
        "groups": subject_groups(items),
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(document, indent=1) + "\n")


def read_manifest(path: Path) -> dict[str, list[str]]:
    """Load the train/valid/test lists saved by :func:`write_manifest`."""
    try:
        document = json.loads(Path(path).read_text())
        splits = {name: list(document["splits"][name]) for name in SPLITS}
    except FileNotFoundError as error:
        raise DataError(f"manifest not found: {path}") from error
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise DataError(f"manifest {path} is not a train/valid/test manifest: {error}") from error
    train = set(splits["train"])
    if train & set(splits["test"]) or train & set(splits["valid"]):
        raise DataError(f"manifest {path} puts the same file in train and in valid or test")
    return splits


def load_images(root: Path, relative_paths: list[str], size: int = IMAGE_SIZE) -> LoadedImages:
    """Read ``relative_paths`` under ``root`` as model inputs, skipping unreadable files."""
    images: list[np.ndarray] = []
    labels: list[int] = []
    kept: list[str] = []
    skipped: list[str] = []
    for relative in relative_paths:
        path = Path(root) / relative
        try:
            with Image.open(path) as image:
                array = to_model_input(to_rgb(image), size=size)
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as error:
            log.warning("skipped unreadable image %s: %s", relative, error)
            skipped.append(relative)
            continue
        images.append(array)
        labels.append(label_of(relative))
        kept.append(relative)
    if skipped:
        log.warning("skipped %d unreadable file(s) of %d", len(skipped), len(relative_paths))
    stacked = np.stack(images) if images else np.zeros((0, size, size, 3), np.uint8)
    return LoadedImages(stacked, np.asarray(labels, np.int32), kept, skipped)


def load_outside(folder: Path) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Return the photos under ``folder/<digit>/`` as they are (RGB, not resized) and their labels; ``None`` if none.

    For the outside signer: served pictures are read at their own size, as the app reads uploads.
    """
    paths = sorted(Path(folder).glob("[0-9]/*.jpg"))
    if not paths:
        return None
    pictures = []
    for path in paths:
        with Image.open(path) as image:
            pictures.append(np.asarray(to_rgb(image)))
    return pictures, np.array([int(path.parent.name) for path in paths], np.int32)


def load_corrections(source: str | Path) -> tuple[LoadedImages, str]:
    """Return the corrections at ``source`` (a folder, or a ``postgresql://`` URL read through the feedback
    store) as images and labels, and a name for the card."""
    from feedback import open_store
    from feedback.database import is_database_url

    if not is_database_url(source):
        return load_images(source, extra_images(source)), Path(source).name
    with tempfile.TemporaryDirectory() as folder:
        open_store(str(source)).export(Path(folder))
        return load_images(folder, extra_images(folder)), "corrections database"
