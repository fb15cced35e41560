"""Views of datasets that the suites validate: derived columns computed once, vectorised."""

from __future__ import annotations

import pandas as pd

from rluf_core.ingest.schema import LANDING_COLUMNS


def parse_ts(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")


def raw_view(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The raw rows plus `ts_parsed` (null when not a timestamp) and `max_text_chars` (longest field)."""
    v = frame.copy()
    v["ts_parsed"] = parse_ts(v["ts"]) if len(v) else pd.Series(dtype="datetime64[us, UTC]")
    text_cols = [c for c in LANDING_COLUMNS[kind] if c in v.columns]
    lengths = pd.concat([v[c].str.len() for c in text_cols], axis=1) if len(v) else None
    v["max_text_chars"] = (lengths.max(axis=1).fillna(0).astype("int64") if lengths is not None
                           else pd.Series(dtype="int64"))
    return v
