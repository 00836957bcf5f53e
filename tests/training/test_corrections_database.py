"""Training reads the corrections two app instances stored in PostgreSQL, as it reads a folder of them."""

from __future__ import annotations

from feedback.database import DatabaseStore
from recognition.paths import PROJECT_ROOT
from training.data import load_corrections

PHOTO = (PROJECT_ROOT / "static" / "examples" / "digit_7.jpg").read_bytes()


def test_training_reads_corrections_from_the_database(database_url):
    store = DatabaseStore(database_url)
    for correction in store.corrections():
        store.delete(correction.id)
    store.save(PHOTO, 7, 8, 0.4)
    store.save(PHOTO, 2)
    images, name = load_corrections(database_url)
    assert sorted(images.labels.tolist()) == [2, 7] and images.images.shape[1:] == (224, 224, 3)
    assert name == "corrections database"
