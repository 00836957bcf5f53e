"""Hyper-parameters of a training run and their defaults, in one TF-free place.

``Recipe()`` is the shipped recipe (two-phase); ``Recipe.named("seed")`` is the original one.
Each setting has one default, here; the command line only overrides what it is given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

RECIPES = ("seed", "two-phase")
SCHEDULES = ("constant", "cosine")
AUGMENT_LEVELS = ("none", "light", "strong")
VALID_FRACTION = 0.15  # share of the subjects held out for validation
TEST_FRACTION = 0.15  # ... and for the test
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
    max_hand_scale: float = 1.5  # largest size of a re-placed hand
    background_angle: float = 25.0  # a re-placed hand turns up to this many degrees either way
    background_shift: float = 0.15  # ... and moves up to this share of the photo
    # One resampling per image (RandomPlacement): every level but none.
    rotation_degrees: float = 20.0
    zoom: float = 0.15
    shift: float = 0.08
    # Photometric and camera effects: level strong only.
    brightness: float = 0.35
    contrast: float = 0.45
    saturation: tuple[float, float] = (0.35, 0.7)
    hue: float = 0.04
    blur_probability: float = 0.3
    blur_sigma: tuple[float, float] = (0.1, 1.6)
    low_resolution_probability: float = 0.25  # shrunk to a side in low_resolution_sides, enlarged back
    low_resolution_sides: tuple[int, int] = (32, 112)
    jpeg_quality: tuple[int, int] = (25, 100)
    colour_cast: float = 0.15  # red and blue gains move up to this much either way

    def __post_init__(self) -> None:
        if self.level not in AUGMENT_LEVELS:
            raise ValueError(f"unknown augmentation {self.level!r}; choose from {', '.join(AUGMENT_LEVELS)}")
        for name in ("background_probability", "photo_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if not 0 < self.min_hand_scale <= 1.5:
            raise ValueError("min_hand_scale must be in (0, 1.5]")

    @property
    def replaces_background(self) -> bool:
        return self.level == "strong" and self.background_probability > 0


@dataclass(frozen=True)
class Recipe:
    """Hyper-parameters of one training run (recorded in the model card); the defaults ship."""

    name: str = "two-phase"
    epochs: int = 9  # both phases together
    batch_size: int = 10
    learning_rate: float = 3e-4  # fine-tuning (phase 2 of two-phase)
    head_epochs: int = 1  # two-phase only: epochs with the whole backbone frozen
    head_learning_rate: float = 1e-3  # two-phase only
    fine_tune_layers: int = 40  # backbone layers trained (head apart)
    label_smoothing: float = 0.0
    schedule: str = "cosine"  # fine-tuning rate: constant, or cosine decay to 1% over the fine-tuning epochs
    ema_momentum: float = 0.0  # 0: off; else keep and ship a moving average of the weights (Polyak averaging)
    # Train on each photo's hand square turned upright, as serving then reads every hand it frames
    # by its own square (training/upright.py); the augmentation still turns them a little.
    upright: bool = False
    # Frames rendered around each training photo's hand whose squares, cut as served, are trained on beside the
    # photos (training/scene_frames.py); 0: none. Needs the hand models (models/hands/); skipped without them.
    scene_frames: int = 1
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def __post_init__(self) -> None:
        if self.name not in RECIPES:
            raise ValueError(f"unknown recipe {self.name!r}; choose from {', '.join(RECIPES)}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}; choose from {', '.join(SCHEDULES)}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be at least 1")
        if not 0 <= self.ema_momentum < 1:
            raise ValueError(f"ema_momentum must be at least 0 and below 1, not {self.ema_momentum}")
        if not 0 <= self.label_smoothing < 1:
            raise ValueError("label_smoothing must be in [0, 1)")
        if self.scene_frames < 0:
            raise ValueError(f"scene_frames must be at least 0, not {self.scene_frames}")

    @classmethod
    def named(cls, name: str, **overrides: object) -> Recipe:
        """Return recipe ``name`` with its own defaults, then every override that is not ``None``.

        Overrides named like :class:`AugmentConfig` fields (``level``, ``min_hand_scale``, ...) go to ``augment``.
        """
        given = {key: value for key, value in overrides.items() if value is not None}
        augment_names = {f.name for f in fields(AugmentConfig)}
        augment = replace(AugmentConfig(), **{k: v for k, v in given.items() if k in augment_names})
        settings = {**RECIPE_OVERRIDES.get(name, {}), **{k: v for k, v in given.items() if k not in augment_names}}
        return cls(name=name, augment=augment, **settings)

    def as_dict(self) -> dict:
        return asdict(self)


# How each recipe differs from the dataclass defaults above. "seed" is the original recipe:
# the last 23 layers (head included) at a constant 1e-4 for 10 epochs.
RECIPE_OVERRIDES: dict[str, dict[str, object]] = {
    "seed": {
        "epochs": 10,
        "learning_rate": 1e-4,
        "schedule": "constant",
        "fine_tune_layers": SEED_TRAINABLE_LAYERS - 1,
    },
    "two-phase": {},
}


def recipe_default(recipe: str, setting: str) -> object:
    """Return the default of ``setting`` (a Recipe or AugmentConfig field) in ``recipe``."""
    named = Recipe.named(recipe)
    return getattr(named, setting) if hasattr(named, setting) else getattr(named.augment, setting)


def recipe_defaults_text(setting: str) -> str:
    """Return each recipe's default of ``setting`` for help texts, e.g. ``"10 for seed, 12 for two-phase"``."""

    def shown(value: object) -> str:
        return value if isinstance(value, str) else f"{value:g}"

    return ", ".join(f"{shown(recipe_default(recipe, setting))} for {recipe}" for recipe in RECIPES)
