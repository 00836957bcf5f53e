"""Train on several devices with tf.distribute: all local GPUs (``mirrored``) or several machines (``multiworker``).

``--batch-size`` is the global batch: each step splits it across the replicas, so a run on N
devices computes what a run on one computes (the same model, within floating-point rounding). To
go faster on N devices, raise the batch N times and the learning rates with it (the linear scaling
rule): ``--batch-size 40 --learning-rate 1.2e-3 --head-learning-rate 4e-3`` on four GPUs for the
defaults 10, 3e-4 and 1e-3. ``multiworker`` reads the cluster from ``TF_CONFIG``; every worker runs
the same command, and only the chief (or worker 0) writes the model, card and exports.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator

log = logging.getLogger(__name__)
STRATEGIES = ("none", "mirrored", "multiworker")


def strategy_for(name: str):
    """Return the tf.distribute strategy called ``name``, or ``None`` for one device."""
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose from {', '.join(STRATEGIES)}")
    if name == "none":
        return None
    import tensorflow as tf

    strategy = tf.distribute.MirroredStrategy() if name == "mirrored" else tf.distribute.MultiWorkerMirroredStrategy()
    log.info("training on %d replicas (%s)", strategy.num_replicas_in_sync, name)
    return strategy


@contextlib.contextmanager
def scope(strategy) -> Iterator[None]:
    """Build and fit inside ``strategy``'s scope (nothing for one device)."""
    if strategy is None:
        yield
    else:
        with strategy.scope():
            yield


def is_chief() -> bool:
    """Return whether this process writes the results: always, unless TF_CONFIG names another task the chief."""
    cluster = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = cluster.get("task") or {}
    if not task or task.get("type") == "chief":
        return True
    has_chief = "chief" in (cluster.get("cluster") or {})
    return task.get("type") == "worker" and int(task.get("index", 0)) == 0 and not has_chief
