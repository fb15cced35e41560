"""Landing-zone and ground-truth tables of a simulated day, and a byte-stable Parquet writer."""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rluf_core.lake import Lake

TS = pa.timestamp("ms", tz="UTC")
TURNS_SCHEMA = pa.schema(
    [
        ("turn_id", pa.string()),
        ("conversation_id", pa.string()),
        ("user_id", pa.string()),
        ("ts", TS),
        ("prompt", pa.string()),
        ("response", pa.string()),
        ("context", pa.string()),
        ("policy_version", pa.string()),
        ("lang", pa.string()),
        ("surface", pa.string()),
        ("topic", pa.string()),
    ]
)
REACTIONS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("turn_id", pa.string()),
        ("user_id", pa.string()),
        ("ts", TS),
        ("reaction", pa.string()),
        ("action", pa.string()),
    ]
)
GT_TURN_COLUMNS = [
    "turn_id",
    "conversation_id",
    "user_id",
    "user_kind",
    "ts",
    "topic",
    "lang",
    "surface",
    "position",
    "group_chat",
    "in_raid",
    "jailbreak",
    "helpfulness",
    "unsafe",
    "warm",
    "bait",
    "n_words",
    "p_love_user",
    "p_love_text",
    "loved",
    "loved_adversarial",
]
GT_REACTION_COLUMNS = [
    "event_id",
    "turn_id",
    "user_id",
    "actor_kind",
    "is_adversarial",
    "is_receiver",
    "unknown_turn",
    "cause",
    "reaction",
    "action",
    "ts",
    "turn_ts",
    "arrival_date",
    "late",
    "n_copies",
    "within_window",
    "counts_for_label",
]


def to_ts(ms: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(ms, dtype=np.int64), unit="ms", utc=True))


def write_parquet_stable(lake: Lake, path: str, table: pa.Table) -> str:
    """Fixed writer settings (zstd level 1, one row-group size, no wall-clock metadata), atomic move."""
    lake.fs.makedirs(posixpath.dirname(path), exist_ok=True)
    tmp = f"{path}.{uuid.uuid4().hex}.tmp"
    with lake.fs.open(tmp, "wb") as f:
        pq.write_table(
            table,
            f,
            compression="zstd",
            compression_level=1,
            row_group_size=256 * 1024,
            use_dictionary=True,
            write_statistics=True,
            data_page_version="1.0",
            version="2.6",
        )
    lake.fs.mv(tmp, path)
    return path


def _column(series: pd.Series, field: pa.Field) -> pa.Array:
    """A pandas column as an Arrow array of the field's type (zero-copy for Arrow-backed strings)."""
    if field.name == "ts":
        return pa.array(series.to_numpy(dtype=np.int64), type=pa.int64()).cast(TS)
    arr = (
        pa.array(series.array)
        if isinstance(series.dtype, pd.StringDtype)
        else pa.array(series.to_numpy(), type=field.type)
    )
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(field.type)


def landing_turns(turns: pd.DataFrame) -> pa.Table:
    t = turns.sort_values(["ts_ms", "turn_id"], kind="stable").rename(columns={"ts_ms": "ts"})
    return pa.Table.from_arrays([_column(t[f.name], f) for f in TURNS_SCHEMA], schema=TURNS_SCHEMA)


def landing_reactions(events: pd.DataFrame) -> pa.Table:
    """One row per delivered copy (client retries repeat the whole row), in ts order."""
    e = events.loc[np.repeat(events.index.to_numpy(), events["n_copies"].to_numpy())]
    e = e.sort_values(["ts_ms", "event_id"], kind="stable").rename(columns={"ts_ms": "ts"})
    return pa.Table.from_arrays(
        [_column(e[f.name], f) for f in REACTIONS_SCHEMA], schema=REACTIONS_SCHEMA
    )


def truth_turns(turns: pd.DataFrame) -> pd.DataFrame:
    t = turns.sort_values(["ts_ms", "turn_id"], kind="stable").reset_index(drop=True)
    t["ts"] = to_ts(t["ts_ms"].to_numpy())
    t["loved_adversarial"] = t["loved"] & (t["user_kind"] != "honest")
    out = t[GT_TURN_COLUMNS].copy()
    for c in ("user_kind", "topic", "lang", "surface"):
        out[c] = out[c].astype("string")
    return out


def truth_reactions(events: pd.DataFrame, day: dt.date, window_ms: int) -> pd.DataFrame:
    e = events.copy()
    e["ts"] = to_ts(e["ts_ms"].to_numpy())
    e["turn_ts"] = pd.Series(
        pd.to_datetime(np.where(e["turn_ts_ms"] >= 0, e["turn_ts_ms"], 0), unit="ms", utc=True)
    )
    e.loc[e["turn_ts_ms"] < 0, "turn_ts"] = pd.NaT
    e["arrival_date"] = [day + dt.timedelta(days=int(o)) for o in e["arrival_offset"]]
    e["is_adversarial"] = e["actor_kind"] != "honest"
    e["within_window"] = (e["turn_ts_ms"] >= 0) & (e["ts_ms"] <= e["turn_ts_ms"] + window_ms)
    e["counts_for_label"] = e["within_window"] & e["is_receiver"] & (e["reaction"] == "love")
    out = e[GT_REACTION_COLUMNS].copy()
    for c in ("actor_kind", "cause", "reaction", "action"):
        out[c] = out[c].astype("string")
    return out
