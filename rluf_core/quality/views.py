"""Views of datasets that the suites validate: derived columns computed once, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from rluf_core.cleaning.classify import TS_CAST
from rluf_core.cleaning.engine import connect
from rluf_core.ingest.schema import LANDING_COLUMNS


def parse_ts(values: pd.Series) -> pd.Series:
    """Timestamps read as the cleaner reads them (its TS_CAST in DuckDB, in UTC), so that the raw
    gate and cleaning agree on which rows have one: e.g. '2026-01-01 10:00:00 UTC' is one, '20260101T1000Z' is
    not. Null where the value is not a timestamp."""
    try:
        ts = pa.array(values, pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all strings: anything else has no timestamp
        ts = pa.array([v if isinstance(v, str) else None for v in values], pa.string())
    table = pa.table({"i": np.arange(len(values)), "ts": ts})
    con = connect(threads=1)
    try:
        con.register("raw_ts", table)
        out = con.sql(f"SELECT {TS_CAST} AS t FROM raw_ts ORDER BY i").to_arrow_table()
    finally:
        con.close()
    return (
        out.column("t").to_pandas().dt.tz_convert("UTC").set_axis(values.index).rename(values.name)
    )


def raw_view(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The raw rows plus `ts_parsed` (null when not a timestamp) and `max_text_chars` (longest field)."""
    v = frame.copy()
    v["ts_parsed"] = parse_ts(v["ts"]) if len(v) else pd.Series(dtype="datetime64[us, UTC]")
    text_cols = [c for c in LANDING_COLUMNS[kind] if c in v.columns]
    lengths = pd.concat([v[c].str.len() for c in text_cols], axis=1) if len(v) else None
    v["max_text_chars"] = (
        lengths.max(axis=1).fillna(0).astype("int64")
        if lengths is not None
        else pd.Series(dtype="int64")
    )
    return v
