"""Hashed text features of turns, computed once and kept by content, for later days' quality fits.

The quality signal (quality.py) is refitted every day on the labelled turns of the last
``fit_days`` days; hashing their texts again each day was most of user_reputation's time. A feature
row depends only on what it is hashed from (the response, and for the crossed part its content kind)
and the vectoriser's settings, so rows are kept under a 64-bit key of exactly that: a cached row is
the row the vectoriser would give, bit for bit.

Stored per day as dataset ``quality_features`` (the rows first hashed while materialising that
day): one row per part ("plain" response words, "kind" words crossed with the topic) and content
key, with the CSR row's column indices and values. A day's user_reputation loads the files of the
days its fit and lookback read. ``quality_clusters``: the day's last text-cluster fit, by a digest
of its inputs (a relabelled day reuses it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import csr_matrix, vstack

from rluf_core.lake import Lake

FEATURES_DATASET = "quality_features"
CLUSTERS_DATASET = (
    "quality_clusters"  # per day: the last text-cluster fit (digest of its inputs, labels)
)
PARTS = ("plain", "kind")


def content_keys(columns: list[pd.Series], salt: str) -> np.ndarray:
    """A 64-bit key per row of the columns' values together with ``salt`` (the vectoriser's
    settings)."""
    frame = pd.DataFrame({f"c{i}": c.astype(str).to_numpy() for i, c in enumerate(columns)})
    frame["salt"] = salt
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)


class RowCache:
    """Feature rows (CSR, ``n_features`` columns) by content key; remembers which were added since
    loading."""

    def __init__(self, n_features: int):
        self.n_features = n_features
        self.keys = np.empty(0, dtype=np.uint64)
        self.X = csr_matrix((0, n_features), dtype=np.float64)
        self.added = np.empty(0, dtype=np.uint64)

    def __len__(self) -> int:
        return len(self.keys)

    def _positions(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.searchsorted(self.keys, keys)
        found = pos < len(self.keys)
        found[found] = self.keys[pos[found]] == keys[found]
        return pos, found

    def has(self, keys: np.ndarray) -> np.ndarray:
        return self._positions(np.asarray(keys, dtype=np.uint64))[1]

    def add(self, keys: np.ndarray, X, new: bool = True) -> None:
        """Add rows (keys already held are kept as they are). ``new``: count them as added (to be
        stored)."""
        keys = np.asarray(keys, dtype=np.uint64)
        keep = ~self.has(keys)
        keys, first = np.unique(keys[keep], return_index=True)
        if not len(keys):
            return
        rows = csr_matrix(X)[np.flatnonzero(keep)[first]]
        all_keys = np.concatenate([self.keys, keys])
        order = np.argsort(all_keys, kind="stable")
        self.keys = all_keys[order]
        self.X = vstack([self.X, rows], format="csr")[order]
        if new:
            self.added = np.union1d(self.added, keys)

    def rows(self, keys: np.ndarray) -> csr_matrix:
        """The rows of the keys, in their order (every key must be held)."""
        pos, found = self._positions(np.asarray(keys, dtype=np.uint64))
        if not found.all():
            raise KeyError(f"feature cache: {int((~found).sum())} of {len(found)} rows not held")
        return self.X[pos]


class HashedRows:
    """The two parts of the quality model's features, each a RowCache, and the day's text clusters
    by a digest of their fit's inputs (quality.text_clusters)."""

    def __init__(self, n_plain: int, n_kind: int):
        self.parts = {"plain": RowCache(n_plain), "kind": RowCache(n_kind)}
        self.clusters: dict[str, np.ndarray] = {}

    def __getitem__(self, part: str) -> RowCache:
        return self.parts[part]


def to_table(cache: HashedRows, only_added: bool = True) -> pa.Table:
    """The cache's rows (those added since loading, by default) as an Arrow table."""
    tables = []
    for i, part in enumerate(PARTS):
        c = cache[part]
        keys = c.added if only_added else c.keys
        X = c.rows(keys) if len(keys) else csr_matrix((0, c.n_features))
        offsets = pa.array(X.indptr.astype(np.int64), type=pa.int64())
        tables.append(
            pa.table(
                {
                    "part": pa.array(np.full(len(keys), i, dtype=np.int8)),
                    "key": pa.array(keys, type=pa.uint64()),
                    "indices": pa.LargeListArray.from_arrays(
                        offsets, pa.array(X.indices.astype(np.int32))
                    ),
                    "values": pa.LargeListArray.from_arrays(
                        offsets, pa.array(X.data.astype(np.float64))
                    ),
                }
            )
        )
    return pa.concat_tables(tables)


def add_table(cache: HashedRows, table: pa.Table, new: bool = False) -> None:
    """Add a stored table's rows to the cache (``new``: count them as added, to be stored again)."""
    part = table.column("part").to_numpy()
    for i, name in enumerate(PARTS):
        sub = table.filter(pa.array(part == i))
        if not sub.num_rows:
            continue
        indptr, indices = _flat(sub.column("indices"))
        _, values = _flat(sub.column("values"))
        X = csr_matrix((values, indices, indptr), shape=(sub.num_rows, cache[name].n_features))
        cache[name].add(sub.column("key").to_numpy(), X, new=new)


def _flat(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """A list column as (offsets from 0, flat values)."""
    arr = column.combine_chunks()
    offsets = arr.offsets.to_numpy()
    return offsets - offsets[0], arr.values.to_numpy()[offsets[0] : offsets[-1]]


def load_rows(lake: Lake, days: list[str], day: str, n_features: int) -> HashedRows:
    """The rows stored for ``days``; those of ``day`` count as added (its file is rewritten with
    them)."""
    cache = HashedRows(n_features, n_features)
    clusters = lake.read_table(CLUSTERS_DATASET, day)
    if clusters is not None:
        for digest, labels in zip(
            clusters.column("digest").to_pylist(), clusters.column("labels").to_pylist()
        ):
            cache.clusters[digest] = np.asarray(labels, dtype=np.int64)
    for d in days:
        table = lake.read_table(FEATURES_DATASET, d)
        if table is not None:
            add_table(cache, table, new=(d == day))
    return cache


def store_rows(lake: Lake, day: str, cache: HashedRows) -> int:
    """Write the rows hashed while materialising ``day`` (with those its file held) as its file;
    their count."""
    n = sum(len(cache[p].added) for p in PARTS)
    if n:
        lake.write_table(FEATURES_DATASET, to_table(cache), day)
    if (
        cache.clusters
    ):  # the latest fit only: a later run of the day reuses it when its inputs are the same
        digest, labels = list(cache.clusters.items())[-1]
        lake.write_table(
            CLUSTERS_DATASET, pa.table({"digest": [digest], "labels": [labels.tolist()]}), day
        )
    return n
