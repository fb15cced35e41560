"""Keyed-hash pseudonymisation of user ids (BLAKE2b with a secret key; the key is never logged).

The same key maps the same id to the same pseudonym everywhere, so evaluation code can map
ground-truth users with ``pseudonymise(ids, key)``; without the key the mapping cannot be inverted
or recomputed from guessed ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

PREFIX = "u_"
DIGEST_BYTES = 10  # 80 bits: collisions negligible below billions of users


def _key_bytes(key: str | bytes) -> bytes:
    k = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if not k:
        raise ValueError("privacy.pseudonym_key is empty")
    return k if len(k) <= 64 else hashlib.sha256(k).digest()


def _digest(user_id: str, key: bytes) -> str:
    return (
        PREFIX
        + hashlib.blake2b(
            user_id.encode("utf-8", "surrogatepass"), key=key, digest_size=DIGEST_BYTES
        ).hexdigest()
    )


def pseudonym(user_id: str, key: str | bytes) -> str:
    return _digest(user_id, _key_bytes(key))


def pseudonymise(ids: Iterable[str | None] | pd.Series, key: str | bytes) -> pd.Series:
    """Pseudonyms of `ids` (nulls stay null); each distinct id is hashed once."""
    s = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype="object")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    k = _key_bytes(key)
    mapped = np.array([_digest(str(u), k) for u in uniques] + [None], dtype=object)
    out = mapped[np.where(codes < 0, len(uniques), codes)]
    return pd.Series(out, index=s.index, dtype="str", name=s.name)


def pseudonym_table(ids: Iterable[str], key: str | bytes) -> pd.DataFrame:
    """A (user_id, pseudonym) table for the distinct non-null ids: what a SQL join needs."""
    u = pd.unique(pd.Series(list(ids) if not isinstance(ids, pd.Series) else ids).dropna())
    return pd.DataFrame(
        {"user_id": pd.Series(u, dtype="str"), "pseudonym": pseudonymise(pd.Series(u), key).values}
    )


def register_pseudonyms(
    con: duckdb.DuckDBPyConnection, source_sql: str, key: str, name: str = "pseudo"
) -> None:
    """Register table `name` (user_id, pseudonym) for the distinct user ids the query returns."""
    ids = con.sql(source_sql).to_arrow_table().column(0).to_pandas()
    con.register(name, pa.Table.from_pandas(pseudonym_table(ids, key), preserve_index=False))
