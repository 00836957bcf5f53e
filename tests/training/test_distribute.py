"""Training on several devices: two logical CPUs train the tiny model as one device does (the same test accuracy)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from recognition.paths import PROJECT_ROOT
from training.distribute import is_chief, strategy_for

TWO_DEVICES = """
import sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from training.cli import main
sys.exit(main(sys.argv[1:]))
"""


def train(arguments: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", TWO_DEVICES, *arguments], capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "training on 2 replicas (mirrored)" in result.stderr


def test_two_logical_devices_train_what_one_device_trains(dataset_dir, trained_model, tmp_path):
    out = tmp_path / "mirrored.h5"
    arguments = ["--data", str(dataset_dir), "--weights", "none", "--epochs", "1", "--out", str(out), "--seed", "7"]
    arguments += [
        "--batch-size",
        "8",
        "--valid-fraction",
        "0.2",
        "--test-fraction",
        "0.2",
        "--no-shift",
        "--distribute",
        "mirrored",
    ]
    train(arguments)
    one = json.loads(trained_model.with_suffix(".json").read_text())
    two = json.loads(out.with_suffix(".json").read_text())
    assert two["distribute"] == "mirrored" and one["distribute"] == "none"
    assert abs(two["metrics"]["test"]["accuracy"] - one["metrics"]["test"]["accuracy"]) <= 0.005
    assert two["files"]["exports"]["fp32"]["file"] == "mirrored.tflite"  # the same files as one device writes
    assert abs(two["history"]["loss"][0] - one["history"]["loss"][0]) < 1e-3


def test_only_the_chief_writes(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert is_chief()
    cluster = {"cluster": {"worker": ["a:1", "b:1"]}}
    monkeypatch.setenv("TF_CONFIG", json.dumps({**cluster, "task": {"type": "worker", "index": 0}}))
    assert is_chief()
    monkeypatch.setenv("TF_CONFIG", json.dumps({**cluster, "task": {"type": "worker", "index": 1}}))
    assert not is_chief()
    with_chief = {"cluster": {"chief": ["c:1"], "worker": ["a:1"]}}
    monkeypatch.setenv("TF_CONFIG", json.dumps({**with_chief, "task": {"type": "worker", "index": 0}}))
    assert not is_chief()
    with pytest.raises(ValueError, match="unknown strategy"):
        strategy_for("parameter-server")
