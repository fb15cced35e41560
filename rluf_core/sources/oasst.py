"""OpenAssistant replies (../shared/data/oasst/oasst_replies.parquet) -> landing-zone files.

Each reply becomes a served turn; its reaction counts (distinct volunteers per emoji) become
reaction events by synthetic, per-volunteer user ids (``oasst_v<k>``), all `add`, a few minutes
after the turn. The reactions come from other volunteers, not from the prompter, so the preset
(rluf_core/config/presets/oasst.yaml) sets labels.receiving_user_only: false and
labels.positive_reaction: thumbs_up; then labeled_turns.label equals the data set's `y_thumbs_up`.

Time layout: whole conversations are placed on days; `dev` conversations fill the first `dev_days`
days and `test` conversations the last `test_days` days, so a time split whose test part is the
last `test_days` days is exactly the data set's test split. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rluf_core.ingest.schema import LANDING_COLUMNS
from rluf_core.lake import Lake

log = logging.getLogger(__name__)

REACTION_COLUMNS = {
    "react_thumbs_up": "thumbs_up",
    "react_thumbs_down": "thumbs_down",
    "react_red_flag": "red_flag",
}
DEV_DAYS, TEST_DAYS = 10, 4
N_VOLUNTEERS = 400
TS = pa.timestamp("ms", tz="UTC")


def _assign_days(convs: pd.DataFrame, first_day: int, n_days: int) -> dict[str, int]:
    """Conversations (conversation_id, n rows) to day indexes, in order, balancing rows per day."""
    cum = convs["n"].cumsum().to_numpy()
    total = cum[-1] if len(cum) else 0
    idx = np.minimum(((cum - convs["n"].to_numpy()) * n_days) // max(total, 1), n_days - 1)
    return dict(zip(convs["conversation_id"], first_day + idx.astype(int)))


def oasst_frames(
    src: pd.DataFrame,
    start_date: dt.date,
    dev_days: int = DEV_DAYS,
    test_days: int = TEST_DAYS,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(turns, reactions, meta) in landing format (+ a `day` column); meta keeps split and labels."""
    rng = np.random.default_rng(seed)
    src = src.sort_values(
        ["split", "conversation_id", "depth", "message_id"], kind="stable"
    ).reset_index(drop=True)
    day_of: dict[str, int] = {}
    for split, first, n in (("dev", 0, dev_days), ("test", dev_days, test_days)):
        convs = (
            src[src["split"] == split]
            .groupby("conversation_id", sort=True)
            .size()
            .rename("n")
            .reset_index()
        )
        day_of.update(_assign_days(convs, first, n))
    unknown = sorted(set(src["split"]) - {"dev", "test"})
    if unknown:
        raise ValueError(f"oasst: unexpected split values {unknown}")
    day_idx = src["conversation_id"].map(day_of).to_numpy()
    base = pd.Timestamp(start_date, tz="UTC")
    # turns between 00:00 and ~15:00, ordered by depth inside a conversation; reactions within 2 hours,
    # so with labels.window_hours 6 (the preset) every label window closes on the same day
    conv_start = (
        src["conversation_id"]
        .map({c: int(s) for c, s in zip(day_of, rng.integers(0, 14 * 3600, len(day_of)))})
        .to_numpy()
    )
    ts = (
        base
        + pd.to_timedelta(day_idx, unit="D")
        + pd.to_timedelta(
            conv_start + src["depth"].to_numpy() * 600 + rng.integers(0, 300, len(src)), unit="s"
        )
    )
    turns = pd.DataFrame(
        {
            "turn_id": src["message_id"].astype(str),
            "conversation_id": src["conversation_id"].astype(str),
            "user_id": "oasst_p_" + src["conversation_id"].astype(str).str[:12],
            "ts": ts,
            "prompt": src["prompt"].astype(str),
            "response": src["response"].astype(str),
            "context": src["context"],
            "policy_version": np.where(
                src["synthetic"].astype(bool), "oasst-synthetic", "oasst-human"
            ),
            "lang": src["lang"],
            "surface": "oasst",
            "topic": None,
            "day": day_idx,
        }
    )
    rows = []
    for col, reaction in REACTION_COLUMNS.items():
        counts = src[col].fillna(0).astype(int).to_numpy()
        rep = np.repeat(np.arange(len(src)), counts)
        if not len(rep):
            continue
        rows.append(pd.DataFrame({"row": rep, "reaction": reaction}))
    ev = (
        pd.concat(rows, ignore_index=True)
        .sort_values(["row", "reaction"], kind="stable")
        .reset_index(drop=True)
    )
    # distinct volunteers per reply: a random offset into the pool, then consecutive ids
    per_row_rank = ev.groupby("row").cumcount().to_numpy()
    offset = rng.integers(0, N_VOLUNTEERS, len(src))[ev["row"].to_numpy()]
    vol = (offset + per_row_rank) % N_VOLUNTEERS
    r = ev["row"].to_numpy()
    reactions = pd.DataFrame(
        {
            "event_id": [f"oasst_e{i:06d}" for i in range(len(ev))],
            "turn_id": turns["turn_id"].to_numpy()[r],
            "user_id": [f"oasst_v{v:03d}" for v in vol],
            "ts": pd.DatetimeIndex(turns["ts"])[r]
            + pd.to_timedelta(rng.integers(60, 7200, len(ev)), unit="s"),
            "reaction": ev["reaction"].to_numpy(),
            "action": "add",
            "day": day_idx[r],
        }
    )
    meta = pd.DataFrame(
        {
            "turn_id": turns["turn_id"],
            "split": src["split"],
            "day": [(start_date + dt.timedelta(days=int(d))).isoformat() for d in day_idx],
            "y_thumbs_up": src["y_thumbs_up"],
            "y_net_positive": src["y_net_positive"],
            "rank": src["rank"],
            "source": src["source"],
        }
    )
    return turns, reactions, meta


def _write(lake: Lake, kind: str, day: str, df: pd.DataFrame) -> str:
    path = f"{lake.landing_dir(kind, day)}/oasst.parquet"
    cols = list(LANDING_COLUMNS[kind])
    table = pa.Table.from_pandas(df[cols], preserve_index=False)
    table = table.set_column(cols.index("ts"), "ts", table.column("ts").cast(TS))
    lake.fs.makedirs(lake.landing_dir(kind, day), exist_ok=True)
    with lake.fs.open(path, "wb") as f:
        pq.write_table(table, f, compression="zstd")
    return path


def import_oasst(
    source_path: str,
    lake: Lake,
    start_date: dt.date | str = dt.date(2026, 1, 1),
    dev_days: int = DEV_DAYS,
    test_days: int = TEST_DAYS,
    seed: int = 0,
) -> dict:
    """Write the OASST replies as landing files (turns and reactions per day) and an `oasst_meta`
    dataset (turn_id, split, day, y_thumbs_up, ...). Returns a summary; `test_days` is the N of the
    time split that equals the data set's test split."""
    start = dt.date.fromisoformat(str(start_date))
    src = pd.read_parquet(source_path)
    turns, reactions, meta = oasst_frames(src, start, dev_days, test_days, seed)
    days = sorted(set(turns["day"]))
    for d in days:
        ds = (start + dt.timedelta(days=int(d))).isoformat()
        _write(lake, "turns", ds, turns[turns["day"] == d])
        _write(lake, "reactions", ds, reactions[reactions["day"] == d])
    lake.write_dataset("oasst_meta", meta)
    day_names = [(start + dt.timedelta(days=int(d))).isoformat() for d in days]
    summary = {
        "source": str(source_path),
        "turns": len(turns),
        "reaction_events": len(reactions),
        "days": day_names,
        "dev_days": day_names[:dev_days],
        "test_days": test_days,
        "test_day_names": day_names[dev_days:],
        "rows_by_split": meta["split"].value_counts().to_dict(),
        "thumbs_up_rate": float(meta["y_thumbs_up"].mean()),
        "note": f"time split with the last {test_days} days as test == the data set's test split; "
        "use rluf_core/config/presets/oasst.yaml (positive thumbs_up, receiving_user_only false)",
    }
    log.info(
        "oasst import: %d turns, %d reaction events over %d days",
        len(turns),
        len(reactions),
        len(days),
    )
    return summary
