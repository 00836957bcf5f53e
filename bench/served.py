"""The recogniser the app serves for a model, built once for offline benches that vary its settings."""

from __future__ import annotations

from pathlib import Path

from recognition.backends import LiteRTPredictor
from recognition.geometry import GeometryModel
from recognition.hands import PalmDetector
from recognition.landmarks import LandmarkModel
from recognition.model_files import ModelFiles
from recognition.recogniser import Recogniser
from recognition.settings import Settings


class ServedModels:
    """A model's fp32 export, palm detector, landmark and geometry models, one one-thread copy of each per core."""

    def __init__(self, model: str | Path, copies: int = 2) -> None:
        self.files = ModelFiles.from_h5(model)
        self.settings = Settings.for_model(self.files)
        self.predictor = LiteRTPredictor(self.files.export("fp32"), backend="litert-fp32", side_by_side=copies)
        self.detector = PalmDetector(side_by_side=copies, settings=self.settings)
        self.landmarks = LandmarkModel(side_by_side=copies)
        self.geometry = GeometryModel.load(self.files.geometry) if self.files.geometry.is_file() else None

    def recogniser(self, **values: float | int) -> Recogniser:
        """Return the served recogniser with the model's settings but ``values``.

        The models are shared: the detector takes these settings too, so use one recogniser at a time.
        """
        settings = self.settings.with_values(**values)
        self.detector.settings = settings
        return Recogniser(self.predictor, self.detector, settings, self.landmarks, self.geometry)
