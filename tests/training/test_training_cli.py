"""The training and evaluation commands, end to end on synthetic data."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from training import evaluate
from training.cli import main


def test_training_writes_a_loadable_h5_and_a_complete_card(trained_model):
    model = keras.models.load_model(trained_model)  # plain load, no custom objects
    assert model.output.shape[-1] == 10
    card = json.loads(trained_model.with_suffix(".json").read_text())
    for key in (
        "class_names",
        "input",
        "data",
        "weights_source",
        "recipe",
        "epochs",
        "training_seconds",
        "versions",
        "metrics",
        "files",
    ):
        assert key in card, key
    assert card["class_names"] == [str(d) for d in range(10)]
    assert card["weights_source"] == "none" and card["epochs"] == 1
    # The default recipe is two-phase with its own settings unless they are given explicitly.
    assert card["recipe"]["name"] == "two-phase"
    recipe = card["recipe"]
    assert (recipe["fine_tune_layers"], recipe["label_smoothing"], recipe["learning_rate"], recipe["schedule"]) == (
        40,
        0.0,
        3e-4,
        "cosine",
    )
    for split in ("train", "valid", "test"):
        metrics = card["metrics"][split]
        assert 0.0 <= metrics["accuracy"] <= 1.0
        assert len(metrics["confusion_matrix"]) == 10 and set(metrics["per_class"]) == set(card["class_names"])
    assert sum(map(sum, card["metrics"]["test"]["confusion_matrix"])) == card["data"]["counts"]["test"]
    # The .h5 is scored through its fp32 export only because the two were checked to agree.
    fp32 = card["files"]["exports"]["fp32"]
    assert fp32["agreement"]["passed"] and fp32["agreement"]["max_probability_difference"] <= 1e-3
    assert card["metrics_scored_with"] == "litert-fp32"
    assert fp32["metrics"]["test"]["accuracy"] == card["metrics"]["test"]["accuracy"]
    assert set(card["seconds_per_stage"]) >= {"fit", "localise", "evaluate", "export"}
    # Synthetic pictures hold no hands the landmark model sees: no geometry model, and the card says why.
    geometry = card["files"]["geometry"]
    assert geometry["fitted"] is False and "per digit" in geometry["why"]
    assert not trained_model.with_name(trained_model.stem + ".geometry.npz").exists()
    for suffix in (".manifest.json", ".history.png", ".confusion.png", ".tflite"):
        assert (
            trained_model.with_name(trained_model.stem + suffix).is_file()
            or trained_model.with_suffix(suffix).is_file()
        )


def test_manifest_reproduces_the_split(trained_model, dataset_dir, tmp_path):
    manifest = trained_model.with_name(trained_model.stem + ".manifest.json")
    out = tmp_path / "again.h5"
    status = main(
        [
            "--data",
            str(dataset_dir),
            "--weights",
            "none",
            "--out",
            str(out),
            "--manifest",
            str(manifest),
            "--recipe",
            "two-phase",
            "--epochs",
            "2",
            "--head-epochs",
            "1",
            "--augment",
            "none",
            "--no-shift",
            "--no-tflite",
            "--batch-size",
            "16",
        ]
    )
    assert status == 0
    first = json.loads(manifest.read_text())["splits"]
    second = json.loads(out.with_name("again.manifest.json").read_text())["splits"]
    assert first == second
    assert not set(first["train"]) & set(first["test"])
    history = json.loads(out.with_suffix(".json").read_text())["history"]
    assert len(history["loss"]) == 2  # the head phase, then the fine-tuning phase


def test_evaluate_command_writes_metrics_and_plot(trained_model, dataset_dir, tmp_path, capsys):
    manifest = trained_model.with_name(trained_model.stem + ".manifest.json")
    status = evaluate.main(
        [
            "--model",
            str(trained_model),
            "--data",
            str(dataset_dir),
            "--manifest",
            str(manifest),
            "--split",
            "test",
            "--out-dir",
            str(tmp_path),
        ]
    )
    assert status == 0
    report = json.loads((tmp_path / "tiny-eval-test.json").read_text())
    assert report["metrics"]["count"] == len(json.loads(manifest.read_text())["splits"]["test"])
    assert report["backend"].startswith("litert") and report["localised"] is True
    assert 0 <= report["metrics"]["confident_wrong_rate"] <= 1 and "per_digit" in report["metrics"]
    assert (tmp_path / "tiny-eval-test-confusion.png").stat().st_size > 1000
    assert "accuracy" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--data", "/nonexistent/folder"], "data folder not found"),
        (["--weights", "/nonexistent/w.h5"], "weights file not found"),
        (["--out", "model.keras"], "must name a .h5"),
        (["--epochs", "0"], "at least 1"),
    ],
)
def test_cli_errors_are_clear_and_non_zero(arguments, message, dataset_dir, capsys):
    base = ["--data", str(dataset_dir), "--weights", "none"]
    assert main(base + arguments) == 2
    assert message in capsys.readouterr().err


def test_help_explains_every_flag(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--data", "--weights", "--epochs", "--out", "--manifest", "--seed", "--recipe", "--augment"):
        assert flag in text


def test_evaluate_reports_missing_model(tmp_path, dataset_dir, capsys):
    assert evaluate.main(["--model", str(tmp_path / "nope.h5"), "--data", str(dataset_dir)]) == 2
    assert "not found" in capsys.readouterr().err


def test_augmented_batches_keep_shape_and_labels(dataset_dir):
    from training.data import discover, load_images
    from training.recipe import AugmentConfig, Recipe
    from training.train import training_dataset

    data = load_images(dataset_dir, [path for path, _ in discover(dataset_dir)][:20])
    recipe = Recipe(batch_size=5, augment=AugmentConfig("strong", background_probability=1.0))
    images, labels = next(iter(training_dataset(data, recipe, seed=0)))
    assert images.shape == (5, 224, 224, 3) and labels.shape == (5, 10)
    assert float(np.min(images)) >= 0.0 and float(np.max(images)) <= 255.0


def test_seed_recipe_keeps_the_original_settings(dataset_dir, tmp_path):
    out = tmp_path / "seed.h5"
    status = main(
        [
            "--data",
            str(dataset_dir),
            "--weights",
            "none",
            "--out",
            str(out),
            "--recipe",
            "seed",
            "--epochs",
            "1",
            "--augment",
            "none",
            "--no-shift",
            "--no-tflite",
            "--batch-size",
            "16",
            "--valid-fraction",
            "0.2",
            "--test-fraction",
            "0.2",
        ]
    )
    assert status == 0
    recipe = json.loads(out.with_suffix(".json").read_text())["recipe"]
    assert (recipe["name"], recipe["fine_tune_layers"], recipe["label_smoothing"]) == ("seed", 22, 0.0)
    assert (recipe["learning_rate"], recipe["schedule"], recipe["batch_size"]) == (1e-4, "constant", 16)


def test_cosine_schedule_decays_the_fine_tuning_rate_to_one_percent():
    from training.recipe import Recipe
    from training.train import learning_rate_for

    schedule = learning_rate_for(Recipe.named("seed", learning_rate=3e-4, schedule="cosine"), steps=100)
    assert float(schedule(0)) == pytest.approx(3e-4)
    assert float(schedule(50)) == pytest.approx(3e-4 * (0.01 + 0.99 * 0.5), rel=1e-4)
    assert float(schedule(100)) == pytest.approx(3e-6, rel=1e-3)
    assert learning_rate_for(Recipe.named("seed", learning_rate=3e-4), steps=100) == 3e-4


def test_unknown_settings_are_refused_before_training(dataset_dir, capsys):
    from training.cli import main
    from training.recipe import Recipe

    for bad in ({"schedule": "step"}, {"name": "three-phase"}, {"ema_momentum": 1.0}, {"epochs": 0}):
        with pytest.raises(ValueError):
            Recipe(**bad)
    with pytest.raises(ValueError, match="schedule"):
        Recipe.named("two-phase", schedule="step")
    with pytest.raises(SystemExit):  # the command line refuses it before loading anything
        main(["--data", str(dataset_dir), "--schedule", "step", "--weights", "none"])
    assert "invalid choice" in capsys.readouterr().err


def test_ema_keeps_the_averaged_weights(dataset_dir):
    """A near-1 momentum keeps the head close to its first step; plain Adam moves it much further."""
    from training.data import discover, load_images
    from training.model import build_model
    from training.recipe import Recipe
    from training.train import fit

    data = load_images(dataset_dir, [path for path, _ in discover(dataset_dir)][:20])

    def head_shift(ema_momentum: float) -> float:
        keras.utils.set_random_seed(0)
        model = build_model(None)
        start = model.get_layer("digit").get_weights()[0].copy()
        recipe = Recipe.named(
            "seed", epochs=1, batch_size=2, learning_rate=1e-2, ema_momentum=ema_momentum, level="none"
        )
        fit(model, data, data, recipe, seed=0, verbose=0)
        return float(np.abs(model.get_layer("digit").get_weights()[0] - start).mean())

    plain, averaged = head_shift(0.0), head_shift(0.999999)
    assert plain > 0 and averaged < plain / 2


def test_ema_momentum_out_of_range_is_refused(dataset_dir, tmp_path, capsys):
    status = main(
        ["--data", str(dataset_dir), "--weights", "none", "--out", str(tmp_path / "m.h5"), "--ema-momentum", "1"]
    )
    assert status == 2
    assert "--ema-momentum" in capsys.readouterr().err


class _FixedPredictor:
    def __init__(self, probabilities: np.ndarray) -> None:
        self.probabilities = probabilities

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.probabilities[: len(images)]


def test_an_export_that_does_not_reproduce_the_h5_does_not_score_it():
    from training.parity import export_agreement

    images = np.zeros((3, 224, 224, 3), np.uint8)
    h5 = np.full((3, 10), 0.02, np.float32)
    h5[:, 4] = 0.82
    assert export_agreement(_FixedPredictor(h5), _FixedPredictor(h5 + 1e-5), images)["passed"]
    drifted = h5.copy()
    drifted[:, 4], drifted[:, 5] = 0.6, 0.24
    assert not export_agreement(_FixedPredictor(h5), _FixedPredictor(drifted), images)[
        "passed"
    ]  # same answers, drifted
    swapped = h5[:, ::-1].copy()
    report = export_agreement(_FixedPredictor(h5), _FixedPredictor(swapped), images)
    assert not report["passed"] and report["same_answers"] == 0.0


def test_corrections_are_added_to_training_only_and_counted_in_the_card(dataset_dir, tmp_path):
    from feedback.store import FeedbackStore
    from tests.helpers import encode, synthetic_hand
    from training.cli import main

    store = FeedbackStore(tmp_path / "corrections")
    for digit in (3, 3, 7):
        store.save(encode(synthetic_hand(digit, 120, 9)), digit, answered=5)
    out = tmp_path / "model" / "with_corrections.h5"
    arguments = [
        "--data",
        str(dataset_dir),
        "--weights",
        "none",
        "--epochs",
        "1",
        "--out",
        str(out),
        "--seed",
        "7",
        "--no-shift",
    ]
    arguments += [
        "--batch-size",
        "8",
        "--valid-fraction",
        "0.2",
        "--test-fraction",
        "0.2",
        "--extra-data",
        str(tmp_path / "corrections"),
    ]
    assert main(arguments) == 0
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["data"]["extra_training_data"] == {"corrections": 3}
    assert card["data"]["counts"]["train"] == card["metrics"]["train"]["count"] - 3  # in training, not in the manifest
    manifest = out.with_name(out.stem + ".manifest.json").read_text()
    assert "corrections" not in manifest
