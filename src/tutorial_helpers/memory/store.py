"""Where memories live: the :class:`MemoryStore` interface and its SQLite implementation.

Any class with these methods is a ``MemoryStore`` (a :class:`typing.Protocol`, checked with
``isinstance`` at run time): a vector database or a key-value service could implement it and every
other part of the memory package would work unchanged.

:class:`SQLiteMemoryStore` uses only the standard library ``sqlite3``: a file path (persistent across
processes) or ``":memory:"`` (gone at exit). Embeddings are stored as float32 BLOBs beside the text.
Deleting is real: ``secure_delete`` overwrites freed pages and ``VACUUM`` rebuilds the file, so a
forgotten memory cannot be read back from the raw bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from tutorial_helpers.memory.records import MemoryRecord, as_utc

#: schema migrations, applied in order; ``PRAGMA user_version`` records the last one applied
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS memories (
        id             TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL,
        kind           TEXT NOT NULL,
        text           TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        importance     REAL NOT NULL,
        tags           TEXT NOT NULL DEFAULT '[]',
        embedding_hash TEXT,
        embedding      BLOB,
        source         TEXT NOT NULL DEFAULT 'user',
        meta           TEXT NOT NULL DEFAULT '{}',
        status         TEXT NOT NULL DEFAULT 'active',
        superseded_by  TEXT
    );
    CREATE INDEX IF NOT EXISTS ix_memories_user ON memories (user_id, kind, status, created_at);
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)


@runtime_checkable
class MemoryStore(Protocol):
    """The storage interface every memory component talks to."""

    def add(self, record: MemoryRecord, embedding: np.ndarray | None = None) -> str:
        """Insert ``record`` (and its embedding); returns its id."""
        ...

    def get(self, record_id: str) -> MemoryRecord | None:
        """The record with ``record_id``, or ``None``."""
        ...

    def update(self, record: MemoryRecord, embedding: np.ndarray | None = None) -> None:
        """Replace the stored record with the same id (the embedding is kept when ``None``)."""
        ...

    def list(
        self,
        user_id: str,
        kinds: Iterable[str] | None = None,
        include_superseded: bool = False,
        limit: int | None = None,
    ) -> list[MemoryRecord]:
        """A user's records, newest first."""
        ...

    def embeddings(self, record_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored embeddings by record id (records without one are left out)."""
        ...

    def delete(self, record_id: str) -> int:
        """Delete one record for real; returns how many were deleted (0 or 1)."""
        ...

    def delete_user(self, user_id: str) -> int:
        """Delete every record of ``user_id`` for real; returns the count."""
        ...

    def count(self, user_id: str | None = None, include_superseded: bool = True) -> int:
        """How many records (of one user, or in all)."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


def _blob(embedding: np.ndarray | None) -> bytes | None:
    if embedding is None:
        return None
    return np.asarray(embedding, dtype=np.float32).ravel().tobytes()


class SQLiteMemoryStore:
    """A :class:`MemoryStore` on an embedded SQLite database.

    Args:
        path: a database file (created with its folders if missing) or ``":memory:"``.

    Example:
        >>> store = SQLiteMemoryStore(":memory:")
        >>> store.count()
        0
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA secure_delete = ON")
        self._migrate()

    # -- schema ---------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version of the open database (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"The memory database {self.path} has schema v{version}, newer than this code (v{SCHEMA_VERSION})."
                )
            for v in sorted(MIGRATIONS):
                if v > version:
                    self._conn.executescript(MIGRATIONS[v])
                    self._conn.execute(f"PRAGMA user_version = {v}")
            self._conn.commit()

    # -- rows -----------------------------------------------------------------------------------

    @staticmethod
    def _row(record: MemoryRecord) -> dict[str, object]:
        return {
            "id": record.id,
            "user_id": record.user_id,
            "kind": record.kind,
            "text": record.text,
            "created_at": as_utc(record.created_at).isoformat(),
            "importance": record.importance,
            "tags": json.dumps(record.tags),
            "embedding_hash": record.embedding_hash,
            "source": record.source,
            "meta": json.dumps(record.meta, default=str),
            "status": record.status,
            "superseded_by": record.superseded_by,
        }

    @staticmethod
    def _record(row: sqlite3.Row) -> MemoryRecord:
        return MemoryRecord(
            id=row["id"], user_id=row["user_id"], kind=row["kind"], text=row["text"],
            created_at=dt.datetime.fromisoformat(row["created_at"]), importance=row["importance"],
            tags=json.loads(row["tags"]), embedding_hash=row["embedding_hash"], source=row["source"],
            meta=json.loads(row["meta"]), status=row["status"], superseded_by=row["superseded_by"],
        )

    # -- MemoryStore ----------------------------------------------------------------------------

    def add(self, record: MemoryRecord, embedding: np.ndarray | None = None) -> str:
        """Insert ``record`` (and its embedding as a float32 BLOB); returns its id.

        Raises:
            ValueError: a record with the same id already exists.
        """
        row = self._row(record) | {"embedding": _blob(embedding)}
        cols = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        with self._lock:
            try:
                self._conn.execute(f"INSERT INTO memories ({cols}) VALUES ({marks})", row)
            except sqlite3.IntegrityError as exc:
                raise ValueError(f"A memory with id {record.id!r} already exists.") from exc
            self._conn.commit()
        return record.id

    def get(self, record_id: str) -> MemoryRecord | None:
        """The record with ``record_id``, or ``None``."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM memories WHERE id = ?", (record_id,)).fetchone()
        return self._record(row) if row else None

    def update(self, record: MemoryRecord, embedding: np.ndarray | None = None) -> None:
        """Replace the stored record with the same id (the embedding is kept when ``None``).

        Raises:
            KeyError: no record has this id.
        """
        row = self._row(record)
        sets = ", ".join(f"{c} = :{c}" for c in row if c != "id")
        if embedding is not None:
            row["embedding"] = _blob(embedding)
            sets += ", embedding = :embedding"
        with self._lock:
            cur = self._conn.execute(f"UPDATE memories SET {sets} WHERE id = :id", row)
            self._conn.commit()
        if cur.rowcount == 0:
            raise KeyError(record.id)

    def list(
        self,
        user_id: str,
        kinds: Iterable[str] | None = None,
        include_superseded: bool = False,
        limit: int | None = None,
    ) -> list[MemoryRecord]:
        """A user's records, newest first.

        Args:
            user_id: whose records.
            kinds: only these kinds (default: all).
            include_superseded: also return records a newer fact replaced.
            limit: at most this many.
        """
        sql = "SELECT * FROM memories WHERE user_id = ?"
        args: list[object] = [user_id]
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            args += kinds
        if not include_superseded:
            sql += " AND status = 'active'"
        sql += " ORDER BY created_at DESC, rowid DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [self._record(r) for r in rows]

    def embeddings(self, record_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored embeddings by record id (records without one are left out)."""
        out: dict[str, np.ndarray] = {}
        ids = list(record_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT id, embedding FROM memories WHERE id IN ({marks}) AND embedding IS NOT NULL", chunk
                ).fetchall()
            for r in rows:
                out[r["id"]] = np.frombuffer(r["embedding"], dtype=np.float32).copy()
        return out

    def _delete_where(self, where: str, args: tuple[object, ...]) -> int:
        with self._lock:
            cur = self._conn.execute(f"DELETE FROM memories WHERE {where}", args)
            self._conn.commit()
            n = cur.rowcount
            if n:
                self._conn.execute("VACUUM")
        return n

    def delete(self, record_id: str) -> int:
        """Delete one record for real (then ``VACUUM``); returns 0 or 1."""
        return self._delete_where("id = ?", (record_id,))

    def delete_user(self, user_id: str) -> int:
        """Delete every record of ``user_id`` for real (then ``VACUUM``); returns the count."""
        return self._delete_where("user_id = ?", (user_id,))

    def count(self, user_id: str | None = None, include_superseded: bool = True) -> int:
        """How many records (of one user, or in all)."""
        sql, args = "SELECT COUNT(*) FROM memories WHERE 1 = 1", []
        if user_id is not None:
            sql += " AND user_id = ?"
            args.append(user_id)
        if not include_superseded:
            sql += " AND status = 'active'"
        with self._lock:
            return int(self._conn.execute(sql, args).fetchone()[0])

    def users(self) -> list[str]:
        """Every user id that has at least one record."""
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT DISTINCT user_id FROM memories ORDER BY user_id")]

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SQLiteMemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteMemoryStore({self.path!r})"
