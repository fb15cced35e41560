"""Per-user, per-day aggregates: computed once per day, stored, and summed over the trailing window.

Three datasets per day (the quality signal of each reacted turn comes from quality.quality_z, the bursts
and co-reactions from bursts.coreaction):
- ``user_daily_stats``: one row per user active that day (received turns or reacted), additive
  columns only (counts and sums), so that a window is the sum of its days;
- ``user_coreaction_daily``: pairs of accounts that gave a positive reaction to the same content kind
  inside the same short window, with the number of such windows that day;
- ``coordinated_reactions``: the day's positive reactions that fall inside a burst on their content
  kind, with the burst's excess share (1 - baseline / observed accounts): the label-level filter.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rluf_core.adversarial.bursts import coreaction
from rluf_core.adversarial.coordination import BURST_COLUMNS, burst_latency_cells
from rluf_core.adversarial.feature_cache import HashedRows
from rluf_core.adversarial.latent_class import SAFETY_COLUMNS
from rluf_core.adversarial.quality import quality_z
from rluf_core.adversarial.trolls import (
    HIST_COLUMNS,
    hist_columns,
    reaction_cells,
    reaction_class,
    split_classes,
)
from rluf_core.cleaning.reactions import REACTION_EVENT_COLUMNS
from rluf_core.config import RlufConfig
from rluf_core.judges.safety import SafetyJudge

STATS_DATASET = "user_daily_stats"
PAIRS_DATASET = "user_coreaction_daily"
COORDINATED_DATASET = "coordinated_reactions"

SUM_COLUMNS = [
    "n_turns",
    "n_add",
    "n_remove",
    "n_pos",
    "n_neg",
    "n_own",
    "n_own_turns",
    "lat_n",
    "lat_sum",
    "lat_sq",
    "q_pos_n",
    "q_pos_sum",
    "q_neg_n",
    "q_neg_sum",
    "cells_n",
    "burst_n",
    "burst_exp",
    "coord_n",
    "coord_day",
    *HIST_COLUMNS,
    *BURST_COLUMNS,
    *SAFETY_COLUMNS,
]
STATS_COLUMNS = ["day", "user_id", *SUM_COLUMNS, "first_ts", "last_ts"]

TURN_COLUMNS = ["turn_id", "user_id", "ts", "response", "topic"]
REACTION_COLUMNS = [c for c in REACTION_EVENT_COLUMNS if c != "event_id"]


def standing_adds(rx: pd.DataFrame) -> pd.Series:
    """Per event (bool, rx's index): an add that is the user's final state for its (turn, reaction) in these
    events, as labels resolve toggles (last action by time, ties by event_id). A love undone seconds later is a
    mis-tap, one removed and added back is one verdict, not two; only standing reactions become labels."""
    order = ["ts", "event_id"] if "event_id" in rx.columns else ["ts"]
    ev = rx.sort_values(order, kind="stable")
    last = ~ev.duplicated(["turn_id", "user_id", "reaction"], keep="last")
    return (last & (ev["action"] == "add")).reindex(rx.index)


def _require(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing} (has {list(df.columns)})")


def compute_user_daily_stats(
    day: dt.date | str, turns: pd.DataFrame, reactions: pd.DataFrame, cfg: RlufConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregates of one day's reactions (and the day's served turns) per user, and co-reaction pairs."""
    stats, pairs, _ = compute_daily_aggregates(day, turns, reactions, cfg)
    return stats, pairs


def compute_daily_aggregates(
    day: dt.date | str,
    turns: pd.DataFrame,
    reactions: pd.DataFrame,
    cfg: RlufConfig,
    user_trust: pd.Series | None = None,
    cache: HashedRows | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-user aggregates, co-reaction pairs and coordinated positive reactions of one day.

    ``turns``: clean_turns of the day, plus earlier turns that the day's reactions refer to (their
    text is needed for the quality signal); an optional ``label`` column (labeled_turns) fits the
    quality model. ``reactions``: the day's clean_reactions (add/remove events, deduplicated).
    ``user_trust``: per user_id, the weight of their labels in the quality model's fit (default 1).
    ``cache``: the texts' hashed features by content (feature_cache), reused and filled: the same
    aggregates.
    """
    day = day if isinstance(day, str) else day.isoformat()
    _require(turns, TURN_COLUMNS, "turns")
    _require(reactions, REACTION_COLUMNS, "reactions")
    turns = turns.drop_duplicates("turn_id").copy()
    ts_day = pd.to_datetime(turns["ts"], utc=True).dt.floor("D")
    turns["_day"] = np.where(
        ts_day == pd.Timestamp(day, tz="UTC"), day, ""
    )  # only "is it the day" is used
    today = turns[turns["_day"] == day]
    rx = reactions.copy()
    adds = rx[rx["action"] == "add"]
    positive = cfg.labels.positive_reaction
    is_pos = adds["reaction"] == positive
    is_neg = adds["reaction"].isin(cfg.adversarial.negative_reactions)
    own = adds["is_receiving_user"].fillna(False).astype(bool)

    q = (
        quality_z(day, turns, rx, cfg, user_trust, cache)
        if len(adds)
        else pd.DataFrame(columns=["z", "cluster"])
    )
    qz_all = adds["turn_id"].map(q["z"])
    # the inverted-rater model reads the reactions that can become labels: on the reacting user's own turns
    qz = qz_all.where(own) if cfg.adversarial.troll.own_turns_only else qz_all
    approve = is_pos | adds["reaction"].isin(cfg.adversarial.agreement_positive_reactions)
    lat = adds["latency_s"].astype(float)
    loglat = np.log10(lat.clip(lower=0.1))
    has_lat = lat.notna() & (lat >= 0)
    e = pd.DataFrame(
        {
            "user_id": adds["user_id"].to_numpy(),
            "n_add": 1,
            "n_pos": is_pos.to_numpy().astype(int),
            "n_neg": is_neg.to_numpy().astype(int),
            "n_own": own.to_numpy().astype(int),
            "lat_n": has_lat.to_numpy().astype(int),
            "lat_sum": np.where(has_lat, loglat, 0.0),
            "lat_sq": np.where(has_lat, loglat**2, 0.0),
            "q_pos_n": (approve & qz.notna()).to_numpy().astype(int),
            "q_pos_sum": np.where(approve & qz.notna(), qz.fillna(0), 0.0),
            "q_neg_n": (is_neg & qz.notna()).to_numpy().astype(int),
            "q_neg_sum": np.where(is_neg & qz.notna(), qz.fillna(0), 0.0),
            "ts": pd.to_datetime(adds["ts"], utc=True).to_numpy(),
        }
    )
    # rated reactions as (class, quality-z bin) cells: the inverted-rater model's per-user histogram
    klass = np.where(is_pos, "love", np.where(approve, "approve", np.where(is_neg, "negative", "")))
    if cfg.adversarial.troll.standing_reactions_only:
        klass = np.where(standing_adds(rx).loc[adds.index].to_numpy(dtype=bool), klass, "")
    cell = reaction_cells(klass, qz.to_numpy(dtype=float))
    e = pd.concat([e, _one_hot(cell, HIST_COLUMNS).set_index(e.index)], axis=1)
    split = split_classes(
        cfg.adversarial
    )  # troll.split_reactions: each approving / negative reaction apart too
    if split:
        kinds, which = np.unique(adds["reaction"].astype(str).to_numpy(), return_inverse=True)
        named = np.array([reaction_class(r) for r in kinds], dtype=object)[
            which
        ]  # named once per reaction kind
        each = np.where(np.isin(klass, ["approve", "negative"]), named, "")
        cell = reaction_cells(each, qz.to_numpy(dtype=float), split)
        e = pd.concat([e, _one_hot(cell, hist_columns(split)).set_index(e.index)], axis=1)
    g = e.groupby("user_id")
    stats = g[[c for c in e.columns if c not in ("user_id", "ts")]].sum()
    stats["first_ts"] = g["ts"].min()
    stats["last_ts"] = g["ts"].max()
    stats["n_own_turns"] = adds[own].groupby("user_id")["turn_id"].nunique()
    stats["n_remove"] = rx[rx["action"] == "remove"].groupby("user_id").size()
    topic = adds["turn_id"].map(turns.set_index("turn_id")["topic"])
    if "topic" in adds.columns:
        topic = adds["topic"].where(adds["topic"].notna(), topic)
    pos = adds[is_pos].assign(
        topic=topic[is_pos],
        _qz=qz_all[is_pos].fillna(0.0),
        cluster=adds.loc[is_pos, "turn_id"]
        .map(q["cluster"])
        .fillna(-1)
        .astype("int64")
        .astype(str),
    )
    acfg = (
        cfg.adversarial
    )  # the safety of loved replies: a content kind, and a view of the two latent models
    if "safety" in acfg.brigade.content_keys or acfg.brigade.unsafe_view or acfg.troll.unsafe_view:
        pos["safety"] = pos["turn_id"].map(_safety(turns, pos["turn_id"])).fillna("safe")
    pairs, per_user, coordinated = coreaction(pos, day, cfg)
    stats = stats.join(per_user, how="left")
    strong = coordinated[coordinated["excess_share"] >= cfg.adversarial.brigade.label_min_excess]
    stats["coord_n"] = strong.groupby("user_id").size()
    stats["coord_day"] = (stats["coord_n"].fillna(0) > 0).astype(
        "int64"
    )  # summed over the window: days with any
    # positive reactions as (inside a burst or not, latency bin) cells: the coordination model's per-user histogram
    key = pd.MultiIndex.from_arrays([pos["turn_id"].astype(str), pos["user_id"].astype(str)])
    in_burst = key.isin(
        pd.MultiIndex.from_arrays([strong["turn_id"].astype(str), strong["user_id"].astype(str)])
    )
    cells = burst_latency_cells(in_burst, pos["latency_s"].to_numpy(dtype=float))
    stats = stats.join(_one_hot(cells, BURST_COLUMNS).groupby(pos["user_id"].to_numpy()).sum())
    if (
        "safety" in pos.columns
    ):  # the same positive reactions by the safety of the reply they went to
        unsafe = (pos["safety"] == "unsafe").to_numpy().astype(np.int64)
        stats = stats.join(
            _one_hot(unsafe, SAFETY_COLUMNS).groupby(pos["user_id"].to_numpy()).sum()
        )
    served = today.groupby("user_id").size().rename("n_turns")
    stats = stats.join(served, how="outer")
    extra = hist_columns(split)
    sums = [*SUM_COLUMNS, *extra]
    stats = stats.reindex(columns=[*stats.columns, *(c for c in sums if c not in stats.columns)])
    stats = stats.fillna(
        {c: 0 for c in sums}
    ).copy()  # consolidated: the insert below does not fragment it
    stats = stats.reset_index().rename(columns={"index": "user_id"})
    stats.insert(0, "day", day)
    int_cols = [c for c in sums if not c.endswith(("_sum", "_exp", "_sq"))]
    stats[int_cols] = stats[int_cols].astype("int64")
    return (
        stats[[*STATS_COLUMNS, *extra]].sort_values("user_id", ignore_index=True),
        pairs,
        coordinated,
    )


def _one_hot(cells: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """One row per event with a 1 in its cell's column (cell -1: none), to be summed per user."""
    out = np.zeros((len(cells), len(columns)), dtype=np.int64)
    ok = np.flatnonzero(cells >= 0)
    out[ok, cells[ok]] = 1
    return pd.DataFrame(out, columns=columns)


def _safety(turns: pd.DataFrame, turn_ids: pd.Series) -> pd.Series:
    """'unsafe' / 'safe' per reacted turn by the rule-based safety judge (a content kind with no labels)."""
    t = turns[turns["turn_id"].isin(set(turn_ids))].drop_duplicates("turn_id")
    unsafe = SafetyJudge().is_unsafe(t["response"])
    return pd.Series(np.where(unsafe, "unsafe", "safe"), index=t["turn_id"].to_numpy())
