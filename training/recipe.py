"""Hyper-parameters of a training run and their defaults, in one TF-free place (the CLI reads them too)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

RECIPES = ("seed", "two-phase")
SCHEDULES = ("constant", "cosine")
AUGMENT_LEVELS = ("none", "light", "strong")
# The seed recipe trained the last 23 layers of its flattened model: the Dense head, the
# pooling layer and the 21 MobileNet layers below it (from conv_pw_10_bn up).
SEED_TRAINABLE_LAYERS = 23


@dataclass(frozen=True)
class AugmentConfig:
    """How strongly to augment; ``none`` trains on the photos as they are. Defaults: the shipped model's."""

    level: str = "strong"  # none | light | strong
    background_probability: float = 0.65  # share of images put on a new background
    min_hand_scale: float = 0.4  # smallest size of a re-placed hand, relative to the photo
    photo_share: float = 0.7  # share of new backgrounds from training photographs (half of them collages)

    @property
    def replaces_background(self) -> bool:
        return self.level == "strong" and self.background_probability > 0


@dataclass
class Recipe:
    """Hyper-parameters of one training run (recorded in the model card); the defaults are the seed recipe."""

    name: str = "seed"
    epochs: int = 10
    batch_size: int = 10
    learning_rate: float = 1e-4
    head_epochs: int = 2  # two-phase only: epochs with the whole backbone frozen
    head_learning_rate: float = 1e-3  # two-phase only
    fine_tune_layers: int = SEED_TRAINABLE_LAYERS - 1  # backbone layers trained (head apart)
    label_smoothing: float = 0.0
    schedule: str = "constant"  # fine-tuning rate: constant, or cosine decay to 1% over the fine-tuning epochs
    ema_momentum: float = 0.0  # 0: off; else keep and ship a moving average of the weights (Polyak averaging)
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def as_dict(self) -> dict:
        return asdict(self)


# Settings that differ between the recipes, used unless given explicitly. "seed" is the original
# recipe (the last 23 layers, head included): Recipe's own defaults. "two-phase" is what measured best (README).
RECIPE_SETTINGS = ("epochs", "learning_rate", "schedule", "fine_tune_layers")
RECIPE_DEFAULTS: dict[str, dict[str, float | str]] = {
    "seed": {name: getattr(Recipe(), name) for name in RECIPE_SETTINGS},
    "two-phase": {"epochs": 12, "learning_rate": 3e-4, "schedule": "cosine", "fine_tune_layers": 40},
}


def recipe_defaults_text(setting: str) -> str:
    """Return each recipe's default of ``setting`` for help texts, e.g. ``"10 for seed, 12 for two-phase"``."""

    def shown(value: float | str) -> str:
        return value if isinstance(value, str) else f"{value:g}"

    return ", ".join(f"{shown(RECIPE_DEFAULTS[recipe][setting])} for {recipe}" for recipe in RECIPES)
