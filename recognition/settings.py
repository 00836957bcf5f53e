"""The thresholds chosen on validation for one model, kept in a file beside it and read by whoever serves it.

``NAME.settings.json`` sits beside ``NAME.h5`` and records the SHA-256 of the ``.h5`` it was chosen
for, each value, and which bench chose it (``chosen_by``). The benches that choose a value write
it here (:meth:`Settings.save`); serving, evaluation and the benches read it with
:meth:`Settings.for_model`. A file made for another ``.h5`` is ignored (with a warning) and the
defaults below, the values chosen for the shipped model, apply.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from recognition.model_files import ModelFiles, sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """Every tuned threshold of the recognition pipeline, with the shipped model's values as defaults."""

    # Answers under this confidence are flagged "unsure" (tuning/unsure.py: the lowest value keeping
    # wrong-but-confident answers at or under 1% on the validation split and its shift set).
    unsure_below: float = 0.65
    # "No hand" when the hand is not confirmed, its palm scores under no_hand_score and the
    # classifier's confidence is under no_hand_confidence (tuning/no_hand.py).
    no_hand_score: float = 0.5
    no_hand_confidence: float = 0.4
    # ... and when the hand-landmark model looked (the hand check, the look at the hand's region) and
    # the higher presence is under no_hand_presence while the confidence is under no_hand_presence_confidence.
    no_hand_presence: float = 0.01
    no_hand_presence_confidence: float = 0.5
    # Framing (tuning/framing.py): read the hand's own square when the hand is confirmed or its palm
    # scores zoom_min_score, and the square is under zoom_below of the picture's short side.
    zoom_below: float = 1.0
    zoom_min_score: float = 0.8
    # Search (tuning/hand_check.py): a square whose hand-presence score reaches hand_present holds a
    # hand; a weaker best palm in a picture at least look_again_aspect times wider than tall (or
    # taller than wide) is looked for square by square; up to most_checks more palms are checked.
    hand_present: float = 0.5
    look_again_below: float = 0.8
    look_again_aspect: float = 1.2
    palms_per_look: int = 4
    most_checks: int = 6
    # Hand square (tuning/framing.py): hand_scale palm sizes, moved finger_shift palm sizes towards the fingers.
    hand_scale: float = 4.0
    finger_shift: float = 0.45
    # Upright reading (tuning/upright.py): a hand whose own square is read is first turned upright when
    # it leans at least upright_from_degrees and its square is at least upright_min_share of the picture's
    # long side (a small hand's lean is a guess); 180 (the default without a settings file) never turns.
    upright_from_degrees: float = 180.0
    upright_min_share: float = 0.0
    # Hand geometry (tuning/geometry.py): where the landmark model's presence on the hand's region
    # reaches geometry_presence, the answer pools the MobileNet's probabilities with the geometry
    # model's as a weighted geometric mean, geometry_weight for the geometry (0: the MobileNet alone).
    geometry_weight: float = 0.4
    geometry_presence: float = 0.3
    # Calibration (tuning/geometry.py): each model's probabilities tempered before they are blended
    # (1: as the model gives them).
    image_temperature: float = 1.0
    geometry_temperature: float = 1.0
    # Sweep (tuning/sweep.py, recognition/sweep.py): when the search's look at the hand misses
    # sweep_present, the landmark model looks at the first sweep_squares centred squares of the
    # picture (0: never) and the first look reaching sweep_present gives the hand.
    sweep_squares: int = 0
    sweep_present: float = 0.95
    # Fine search (tuning/sweep.py, recognition/sweep.py): when neither the search nor the sweep confirms
    # a hand, the palm detector looks at squares of fine_share of the picture's short side (0: never).
    fine_share: float = 0.0

    def __post_init__(self) -> None:
        for name in (
            "unsure_below",
            "no_hand_score",
            "no_hand_confidence",
            "zoom_min_score",
            "hand_present",
            "look_again_below",
            "geometry_weight",
            "geometry_presence",
            "no_hand_presence_confidence",
            "sweep_present",
            "fine_share",
        ):
            if not 0.0 <= float(getattr(self, name)) <= 1.01:  # above 1: never reached by a probability
                raise ValueError(f"{name} must be between 0 and 1.01, not {getattr(self, name)}")
        if self.image_temperature <= 0 or self.geometry_temperature <= 0:
            raise ValueError("the temperatures must be above 0")
        counts_wrong = self.palms_per_look < 1 or self.most_checks < 0 or self.sweep_squares < 0
        if counts_wrong or self.hand_scale <= 0 or self.zoom_below <= 0:
            raise ValueError(
                "palms_per_look must be at least 1, most_checks and sweep_squares at least 0,"
                " hand_scale and zoom_below above 0"
            )

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def with_values(self, **values: float | int) -> Settings:
        """Return these settings with ``values`` replaced (unknown names raise ``TypeError``)."""
        return replace(self, **values)

    @classmethod
    def from_dict(cls, values: dict) -> Settings:
        """Return settings from ``values``, ignoring names this version does not know."""
        known = {f.name: f.type for f in fields(cls)}
        return cls(
            **{
                name: (int(value) if known[name] == "int" else float(value))
                for name, value in values.items()
                if name in known
            }
        )

    @classmethod
    def for_model(cls, model: str | Path | ModelFiles) -> Settings:
        """Return the settings chosen for ``model``, or the defaults when its file is missing, broken or for another
        .h5."""
        files = model if isinstance(model, ModelFiles) else ModelFiles.from_h5(model)
        try:
            document = json.loads(files.settings.read_text())
            values = document["values"]
            made_for = document["model_sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
        if not files.h5.is_file() or made_for != sha256_of(files.h5):
            log.warning("%s was chosen for another model; using the default settings", files.settings.name)
            return cls()
        return cls.from_dict(values)

    def save(self, model: str | Path | ModelFiles, chosen_by: dict[str, str]) -> Path:
        """Write these settings beside ``model``, with the bench that chose each changed value; return the path.

        ``chosen_by`` maps setting names to how they were chosen; notes already in the file for
        other settings are kept.
        """
        files = model if isinstance(model, ModelFiles) else ModelFiles.from_h5(model)
        try:
            notes = json.loads(files.settings.read_text()).get("chosen_by", {})
        except (OSError, ValueError, AttributeError):
            notes = {}
        document = {
            "model": files.h5.name,
            "model_sha256": sha256_of(files.h5),
            "values": self.as_dict(),
            "chosen_by": {**notes, **chosen_by},
        }
        files.settings.write_text(json.dumps(document, indent=1) + "\n")
        return files.settings
