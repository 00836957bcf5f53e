"""Split, manifest and loading of labelled folders."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from tests.helpers import make_dataset
from training.data import DataError, discover, load_images, read_manifest, split, subject_groups, write_manifest


def test_discover_lists_every_image_with_its_label(dataset_dir):
    items = discover(dataset_dir)
    assert len(items) == 60
    assert Counter(label for _, label in items) == {digit: 6 for digit in range(10)}
    assert all(path.startswith(f"{label}/") for path, label in items)


def test_split_is_stratified_disjoint_and_deterministic(tmp_path):
    items = discover(make_dataset(tmp_path, per_class=20, size=16))
    first = split(items, seed=3)
    assert first == split(items, seed=3)
    assert first != split(items, seed=4)
    train, valid, test = (set(first[name]) for name in ("train", "valid", "test"))
    assert not (train & test or train & valid or valid & test)
    assert len(train | valid | test) == 200
    for name, expected in (("train", 14), ("valid", 3), ("test", 3)):
        per_class = Counter(path.split("/")[0] for path in first[name])
        assert abs(len(first[name]) - 10 * expected) <= 1, name
        assert all(abs(count - expected) <= 1 for count in per_class.values()), (name, per_class)


def test_manifest_round_trip_reproduces_the_splits(tmp_path, dataset_dir):
    splits = split(discover(dataset_dir), seed=1, valid_fraction=0.2, test_fraction=0.2)
    path = tmp_path / "m.json"
    write_manifest(path, splits, seed=1, data_name="synthetic")
    assert read_manifest(path) == splits


def test_manifest_that_mixes_train_and_test_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    write_manifest(path, {"train": ["0/a.jpg"], "valid": [], "test": ["0/a.jpg"]}, 0, "synthetic")
    with pytest.raises(DataError, match="same file"):
        read_manifest(path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="not found"):
        discover(tmp_path / "nowhere")


def test_fewer_than_ten_classes_is_refused(tmp_path):
    make_dataset(tmp_path, per_class=2, size=16)
    shutil.rmtree(tmp_path / "7")
    with pytest.raises(DataError, match="missing: 7"):
        discover(tmp_path)


def test_class_without_images_is_refused(tmp_path):
    make_dataset(tmp_path, per_class=2, size=16)
    for file in (tmp_path / "3").iterdir():
        file.unlink()
    with pytest.raises(DataError, match="no images"):
        discover(tmp_path)


def test_unreadable_files_are_skipped_named_and_counted(tmp_path):
    make_dataset(tmp_path, per_class=2, size=16)
    (tmp_path / "4" / "broken.jpg").write_bytes(b"not a jpeg at all")
    (tmp_path / "5" / "notes.png").write_text("hello")
    paths = [path for path, _ in discover(tmp_path)]
    loaded = load_images(tmp_path, paths)
    assert sorted(loaded.skipped) == ["4/broken.jpg", "5/notes.png"]
    assert loaded.images.shape == (20, 224, 224, 3)
    assert list(loaded.labels).count(4) == 2


def test_subject_groups_follow_the_camera_counter():
    # Student A signs 0-9 as IMG_100..109 (key 100), student B as IMG_200..209 (key 200);
    # a retake of A's 3 as IMG_105 has key 102, within 2 of A's; a file without a number is its own group.
    items = [(f"{d}/IMG_{100 + d}.JPG", d) for d in range(10)] + [(f"{d}/IMG_{200 + d}.JPG", d) for d in range(10)]
    items += [("3/IMG_105.JPG", 3), ("4/photo.jpg", 4)]  # key 102: within 2 of student A's 100
    groups = subject_groups(items)
    assert len({groups[f"{d}/IMG_{100 + d}.JPG"] for d in range(10)} | {groups["3/IMG_105.JPG"]}) == 1
    assert len({groups[f"{d}/IMG_{200 + d}.JPG"] for d in range(10)}) == 1
    assert groups["0/IMG_100.JPG"] != groups["0/IMG_200.JPG"]
    assert groups["4/photo.jpg"] not in {groups["0/IMG_100.JPG"], groups["0/IMG_200.JPG"]}


def test_no_subject_spans_two_splits(tmp_path):
    items = discover(make_dataset(tmp_path, per_class=20, size=16))
    splits = split(items, seed=5)
    groups = subject_groups(items)
    members = {name: {groups[path] for path in paths} for name, paths in splits.items()}
    assert not (
        members["train"] & members["valid"] or members["train"] & members["test"] or members["valid"] & members["test"]
    )
    assert all(members[name] for name in members)


def test_manifest_records_each_files_subject_and_no_machine_path(tmp_path, dataset_dir):
    splits = split(discover(dataset_dir), seed=1, valid_fraction=0.2, test_fraction=0.2)
    path = tmp_path / "m.json"
    write_manifest(path, splits, seed=1, data_name="synthetic")
    document = __import__("json").loads(path.read_text())
    assert set(document["groups"]) == {p for paths in splits.values() for p in paths}
    assert str(tmp_path) not in path.read_text() and str(dataset_dir) not in path.read_text()
