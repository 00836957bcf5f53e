"""Choosers: the commands that choose a model's settings or geometry on validation and write them.

Each reads the validation data once through :mod:`tuning.harness`, scores the candidates with the
served recogniser (built by :meth:`recognition.recogniser.Recogniser.from_model`), writes its
figures under bench/results/ and, with ``--write``, the chosen values into ``NAME.settings.json``.
Measurements that choose nothing live in :mod:`bench`.
"""
