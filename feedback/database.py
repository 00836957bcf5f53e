"""Corrections in PostgreSQL, for several app instances: the same store as the folder, one row a correction.

Selected by a ``postgresql://`` URL (``ASL_FEEDBACK_DATABASE_URL``). The small photo and its note
are one row, written in one transaction, so they are stored together or not at all; the caps
(count and bytes) are checked in the same transaction, under a lock, so instances writing at once
cannot pass them. psycopg (and the system's libpq) are imported only when a URL is given.
"""

from __future__ import annotations

from pathlib import Path

from feedback.store import Correction, StoreUnavailable, clean_confidence, new_correction, refuse_when_full

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id text PRIMARY KEY,
    digit smallint NOT NULL CHECK (digit BETWEEN 0 AND 9),
    answered smallint CHECK (answered BETWEEN 0 AND 9),
    confidence double precision CHECK (confidence BETWEEN 0 AND 1),
    created text NOT NULL,
    photo bytea NOT NULL
)
"""


def is_database_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


class DatabaseStore:
    """The corrections in the database at ``url``, at most ``max_count`` of them and ``max_bytes`` of photos."""

    def __init__(self, url: str, max_count: int = 10_000, max_bytes: int = 500 * 2**20) -> None:
        self.url = url
        self.root = "the corrections database"  # what the command line names
        self.max_count = max_count
        self.max_bytes = max_bytes

    def _connect(self):
        import psycopg

        try:
            connection = psycopg.connect(self.url, connect_timeout=5)
        except psycopg.Error as error:
            raise StoreUnavailable(f"the corrections database cannot be reached: {error}") from error
        with connection.cursor() as cursor:
            cursor.execute(SCHEMA)
        connection.commit()
        return connection

    def usage(self) -> tuple[int, int]:
        """Return how many corrections the store holds and the bytes of their photos."""
        with self._connect() as connection:
            count, size = connection.execute(
                "SELECT count(*), coalesce(sum(length(photo)), 0) FROM corrections"
            ).fetchone()
        return int(count), int(size)

    def save(self, jpeg: bytes, digit: int, answered: int | None = None, confidence: float | None = None) -> Correction:
        """Store a JPEG photo as a correction to ``digit`` in one transaction; return it."""
        import psycopg

        record = new_correction(digit, answered, confidence, None, where="database")
        try:
            with self._connect() as connection, connection.transaction():
                connection.execute("LOCK TABLE corrections IN SHARE ROW EXCLUSIVE MODE")
                count, size = connection.execute(
                    "SELECT count(*), coalesce(sum(length(photo)), 0) FROM corrections"
                ).fetchone()
                refuse_when_full(count, size, len(jpeg), self.max_count, self.max_bytes)
                connection.execute(
                    "INSERT INTO corrections (id, digit, answered, confidence, created, photo) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    (record.id, digit, record.answered, record.confidence, record.created, jpeg),
                )
        except psycopg.Error as error:
            raise StoreUnavailable(f"the correction could not be written: {error}") from error
        return record

    def corrections(self) -> list[Correction]:
        """Return every stored correction, oldest first."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT id, digit, answered, confidence, created FROM corrections ORDER BY created, id"
            ).fetchall()
        return [Correction(i, d, a, clean_confidence(c), t, None, where="database") for i, d, a, c, t in rows]

    def photo(self, identifier: str) -> bytes | None:
        """Return the photo of the correction ``identifier`` (``None`` when there is none)."""
        with self._connect() as connection:
            row = connection.execute("SELECT photo FROM corrections WHERE id = %s", (identifier,)).fetchone()
        return None if row is None else bytes(row[0])

    def delete(self, identifier: str) -> bool:
        """Delete the correction ``identifier``; return whether there was one."""
        with self._connect() as connection:
            return connection.execute("DELETE FROM corrections WHERE id = %s", (identifier,)).rowcount > 0

    def delete_leftovers(self) -> int:
        """Nothing is ever left half-written in a transaction: return 0."""
        return 0

    def export(self, folder: Path) -> int:
        """Write every correction as ``folder/<digit>/<id>.jpg`` (the data set's layout); return how many."""
        written = 0
        for correction in self.corrections():
            photo = self.photo(correction.id)
            if photo is not None:
                (folder / str(correction.digit)).mkdir(parents=True, exist_ok=True)
                (folder / str(correction.digit) / f"{correction.id}.jpg").write_bytes(photo)
                written += 1
        return written
