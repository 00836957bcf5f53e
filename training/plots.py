"""Plots of a training run: loss and accuracy curves, confusion matrix (matplotlib, no display)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recognition.preprocessing import CLASS_NAMES


def plot_confusion_matrix(matrix: list[list[int]], path: Path, title: str) -> None:
    """Save ``matrix`` as an annotated heat-map PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = np.asarray(matrix)
    figure, axes = plt.subplots(figsize=(6, 5.4))
    axes.imshow(values, cmap="Blues")
    axes.set_xticks(range(len(CLASS_NAMES)), CLASS_NAMES)
    axes.set_yticks(range(len(CLASS_NAMES)), CLASS_NAMES)
    axes.set_xlabel("predicted digit")
    axes.set_ylabel("true digit")
    axes.set_title(title)
    threshold = values.max() / 2 if values.size else 0
    for (row, col), value in np.ndenumerate(values):
        if value:
            axes.text(
                col,
                row,
                str(value),
                ha="center",
                va="center",
                color="white" if value > threshold else "black",
                fontsize=8,
            )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_history(history: dict[str, list[float]], path: Path) -> None:
    """Save the training and validation loss and accuracy curves as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for key, axes in (("loss", loss_axes), ("accuracy", accuracy_axes)):
        for prefix, label in (("", "train"), ("val_", "valid")):
            values = history.get(prefix + key, [])
            axes.plot(range(1, len(values) + 1), values, marker="o", label=label)
        axes.set_xlabel("epoch")
        axes.set_title(key)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
