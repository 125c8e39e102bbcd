"""The experience store: what evolution has already tried and seen, on SQLite, kept across iterations.

The infrastructure layer of the AgenticRS paper ("meta-knowledge about past experiments"): every
evaluated (configuration, scenario) pair with its outcome, every failure line, every structural
proposal with its verdict. A configuration evaluated before on a scenario is read back, not re-run
(:meth:`ExperienceStore.get`): hits and misses are counted.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS evaluations (
    config_key TEXT NOT NULL, scenario_id TEXT NOT NULL, config TEXT NOT NULL, row TEXT NOT NULL,
    iteration INTEGER NOT NULL, PRIMARY KEY (config_key, scenario_id));
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, iteration INTEGER NOT NULL, config_key TEXT NOT NULL,
    scenario_id TEXT NOT NULL, check_name TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT, iteration INTEGER NOT NULL, source TEXT NOT NULL, raw TEXT NOT NULL,
    accepted INTEGER NOT NULL, reason TEXT NOT NULL, config_key TEXT);
"""


class ExperienceStore:
    """Evaluations, failures and proposals in one SQLite file (``":memory:"`` for a throwaway store).

    Args:
        path: the database file (created with its folder when missing).
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.iteration = 0
        self.hits = 0
        self.misses = 0

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def next_iteration(self) -> int:
        """Start a new iteration (hits and misses are counted per iteration); returns its number."""
        self.iteration += 1
        self.hits = self.misses = 0
        return self.iteration

    def get(self, config_key: str, scenario_id: str) -> dict[str, Any] | None:
        """The stored outcome of a configuration on a scenario, or ``None`` (counted as hit or miss)."""
        row = self.db.execute("SELECT row FROM evaluations WHERE config_key = ? AND scenario_id = ?",
                              (config_key, scenario_id)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(row[0])

    def put(self, config_key: str, config: dict[str, Any], scenario_id: str, row: dict[str, Any]) -> None:
        """Store one outcome and its failure lines."""
        self.db.execute("INSERT OR REPLACE INTO evaluations VALUES (?, ?, ?, ?, ?)",
                        (config_key, scenario_id, json.dumps(config, sort_keys=True), json.dumps(row), self.iteration))
        self.db.executemany(
            "INSERT INTO failures (iteration, config_key, scenario_id, check_name, detail) VALUES (?, ?, ?, ?, ?)",
                            [(self.iteration, config_key, scenario_id, f["check"], f["detail"])
                             for f in row.get("failures", [])])
        self.db.commit()

    def add_proposal(self, source: str, raw: str, accepted: bool, reason: str, config_key: str | None = None) -> None:
        """Record a structural proposal and its verdict."""
        self.db.execute(
            "INSERT INTO proposals (iteration, source, raw, accepted, reason, config_key) VALUES (?, ?, ?, ?, ?, ?)",
                        (self.iteration, source, raw, int(accepted), reason, config_key))
        self.db.commit()

    def failures(self, config_key: str | None = None, limit: int = 50) -> list[dict[str, str]]:
        """Failure lines (of one configuration, or all), newest first."""
        q = "SELECT scenario_id, check_name, detail FROM failures"
        args: tuple[Any, ...] = ()
        if config_key is not None:
            q += " WHERE config_key = ?"
            args = (config_key,)
        rows = self.db.execute(q + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [{"id": r[0], "check": r[1], "detail": r[2]} for r in rows]

    def proposals(self) -> list[dict[str, Any]]:
        """Every recorded proposal, oldest first."""
        rows = self.db.execute("SELECT iteration, source, accepted, reason, raw FROM proposals ORDER BY id").fetchall()
        return [{"iteration": r[0], "source": r[1], "accepted": bool(r[2]), "reason": r[3], "raw": r[4]} for r in rows]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("evaluations", "failures", "proposals")}
