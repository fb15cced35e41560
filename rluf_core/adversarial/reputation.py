"""User reputation over a trailing window, updated incrementally from stored daily aggregates.

Each day's aggregates (``user_daily_stats``, ``user_coreaction_daily``) are computed once from that
day's clean data and stored; the reputation as of a day sums the stored days of the window and runs
the detectors, so a new day costs one day of raw work plus a sum over small per-user tables.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import numpy as np
import pandas as pd

from rluf_core.adversarial.content import CONTENT_DATASET, apply_content, content_daily
from rluf_core.adversarial.daily_stats import (
    COORDINATED_DATASET,
    PAIRS_DATASET,
    REACTION_COLUMNS,
    STATS_DATASET,
    TURN_COLUMNS,
    compute_daily_aggregates,
)
from rluf_core.adversarial.detectors import detect
from rluf_core.adversarial.feature_cache import load_rows, store_rows
from rluf_core.adversarial.features import combine_days, combine_pairs, user_features
from rluf_core.adversarial.quality import QUALITY_SAMPLE_DATASET, quality_fit_sample
from rluf_core.config import RlufConfig
from rluf_core.lake import Lake, day_str
from rluf_core.quality.validate import failed_days, require_not_failed

log = logging.getLogger(__name__)

REPUTATION_DATASET = "user_reputation"
FLAG_COLUMNS = ["is_bot", "is_brigade", "is_troll"]
# a day whose blocking checks failed on one of these is refused as as_of and left out of the window
GATED_DATASETS = ("clean_turns", "clean_reactions", "labeled_turns")


def window_days(as_of: dt.date | str, n: int) -> list[str]:
    end = dt.date.fromisoformat(day_str(as_of))
    return [(end - dt.timedelta(days=i)).isoformat() for i in range(n - 1, -1, -1)]


def _store_fit_sample(lake: Lake, cfg: RlufConfig, day: str, labeled: pd.DataFrame) -> pd.DataFrame:
    q = cfg.adversarial.quality
    sample = quality_fit_sample(
        labeled[TURN_COLUMNS + ["label"]],
        q.max_rows // q.fit_days,
        seed=cfg.seed + int(day.replace("-", "")),
    )
    lake.write_dataset(QUALITY_SAMPLE_DATASET, sample, day)
    return sample


def _fit_sample(lake: Lake, cfg: RlufConfig, day: str) -> pd.DataFrame:
    """A day's stored sample of labelled turns for the quality fit (made on first use, and remade whenever
    the day's own aggregates are recomputed, e.g. after relabelling), so that later days read a bounded
    sample of each earlier day instead of its whole labeled_turns."""
    if lake.has_dataset(QUALITY_SAMPLE_DATASET, day):
        return lake.read_dataset(QUALITY_SAMPLE_DATASET, [day])
    return _store_fit_sample(
        lake, cfg, day, lake.read_dataset("labeled_turns", [day], columns=TURN_COLUMNS + ["label"])
    )


def _read_day_inputs(lake: Lake, cfg: RlufConfig, day: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rx_cols = REACTION_COLUMNS + ["topic"]
    reactions = lake.read_dataset("clean_reactions", [day])
    if reactions.empty:
        reactions = pd.DataFrame(columns=rx_cols)
    has_labels = lake.has_dataset("labeled_turns", day)
    turns = lake.read_dataset("labeled_turns" if has_labels else "clean_turns", [day])
    if turns.empty:
        turns = pd.DataFrame(columns=TURN_COLUMNS)
    keep = [c for c in TURN_COLUMNS + ["label"] if c in turns.columns]
    turns = turns[keep]
    if (
        has_labels and cfg.adversarial.quality.fit_days > 1
    ):  # more labelled text for the quality signal
        before = window_days(day, cfg.adversarial.quality.fit_days)[:-1]
        prev = [_fit_sample(lake, cfg, d) for d in before if lake.has_dataset("labeled_turns", d)]
        turns = (
            pd.concat([turns.assign(fit_weight=1.0), *prev], ignore_index=True) if prev else turns
        )
    # earlier turns the day's reactions refer to (late reactions): only their text and topic
    missing = set(reactions["turn_id"]) - set(turns["turn_id"])
    if missing and "turn_day" in reactions.columns:
        for d in sorted(
            {
                day_str(x)
                for x in reactions.loc[reactions["turn_id"].isin(missing), "turn_day"].dropna()
            }
        ):
            if d != day and lake.has_dataset("clean_turns", d):
                prev = lake.read_dataset("clean_turns", [d], columns=TURN_COLUMNS)
                turns = pd.concat([turns, prev[prev["turn_id"].isin(missing)]], ignore_index=True)
    return turns, reactions


def trust_before(lake: Lake, cfg: RlufConfig, day: str) -> pd.Series:
    """Per user_id, how far their labels are trusted as of the day before: 0 when flagged, else
    1 - their inverted-rater posterior (stored reputation, else computed from the stored daily stats;
    empty when there is no earlier day)."""
    prev = window_days(day, 2)[0]
    cols = ["user_id", "flagged", "troll_posterior"]
    if lake.has_dataset(REPUTATION_DATASET, prev):
        rep = lake.read_dataset(REPUTATION_DATASET, [prev], columns=cols)
    else:
        days = [
            d
            for d in window_days(prev, cfg.adversarial.trailing_days)
            if lake.has_dataset(STATS_DATASET, d)
        ]
        if not days:
            return pd.Series(dtype=float)
        rep = compute_reputation(
            lake.read_dataset(STATS_DATASET, days),
            lake.read_dataset(PAIRS_DATASET, days),
            cfg,
            prev,
        )
    trust = np.where(
        rep["flagged"].astype(bool), 0.0, 1.0 - rep["troll_posterior"].fillna(0.0).clip(0, 1)
    )
    return pd.Series(trust, index=rep["user_id"].to_numpy())


def update_daily_stats(
    lake: Lake, cfg: RlufConfig, day: dt.date | str, force: bool = False
) -> dict:
    """Compute and store one day's aggregates (skipped when stored, unless force). Returns counts."""
    day = day_str(day)
    if not force and all(
        lake.has_dataset(n, day)
        for n in (STATS_DATASET, PAIRS_DATASET, COORDINATED_DATASET, CONTENT_DATASET)
    ):
        return {"day": day, "computed": False}
    t0 = time.perf_counter()
    turns, reactions = _read_day_inputs(lake, cfg, day)
    if "label" in turns.columns:  # this day's labels may have changed: later days' fits see them
        own = pd.to_datetime(turns["ts"], utc=True).dt.strftime("%Y-%m-%d") == day
        _store_fit_sample(lake, cfg, day, turns[own])
    # the quality signal is the consensus of accounts in good standing
    trust = (
        trust_before(lake, cfg, day)
        if cfg.adversarial.quality.exclude_flagged
        else pd.Series(dtype=float)
    )
    cache = load_rows(lake, _feature_days(cfg, day), day, cfg.adversarial.quality.n_features)
    t1 = time.perf_counter()
    stats, pairs, coordinated = compute_daily_aggregates(day, turns, reactions, cfg, trust, cache)
    t2 = time.perf_counter()
    hashed = store_rows(lake, day, cache)
    lake.write_dataset(STATS_DATASET, stats, day)
    lake.write_dataset(PAIRS_DATASET, pairs, day)
    lake.write_dataset(COORDINATED_DATASET, coordinated, day)
    lake.write_dataset(CONTENT_DATASET, content_daily(day, turns, reactions, cfg), day)
    secs = time.perf_counter() - t0
    log.info(
        "user_daily_stats %s: %d users, %d reactions, %d co-reaction pairs in %.1fs",
        day,
        len(stats),
        len(reactions),
        len(pairs),
        secs,
    )
    return {
        "day": day,
        "computed": True,
        "users": len(stats),
        "reactions": len(reactions),
        "quality_excluded": int((trust == 0).sum()),
        "pairs": len(pairs),
        "seconds": round(secs, 3),
        "texts_hashed": hashed,
        "phases": {
            "read": round(t1 - t0, 3),
            "compute": round(t2 - t1, 3),
            "write": round(time.perf_counter() - t2, 3),
        },
    }


def _feature_days(cfg: RlufConfig, day: str) -> list[str]:
    """The days whose stored hashed texts a day's quality fit can use: its fit days and the
    lookback days (earlier turns that late reactions refer to)."""
    return window_days(day, max(cfg.adversarial.quality.fit_days, cfg.quality.lookback_days + 1))


def _detect_window(
    stats: pd.DataFrame,
    pairs: pd.DataFrame,
    cfg: RlufConfig,
    as_of: str,
    fits: dict | None = None,
    content: pd.DataFrame | None = None,
) -> pd.DataFrame:
    f = user_features(combine_days(stats), cfg.adversarial, as_of)
    out = pd.concat([f, detect(f, combine_pairs(pairs), cfg.adversarial, fits)], axis=1)
    if content is not None and cfg.adversarial.content.enabled:
        out = apply_content(out, content, cfg.adversarial)
    return out


def compute_reputation(
    stats: pd.DataFrame,
    pairs: pd.DataFrame,
    cfg: RlufConfig,
    as_of: dt.date | str,
    content: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Reputation per user from the window's daily stats and pairs (pure function, no lake).

    Detectors run on the whole window and on its last ``recent_days`` alone, so that an account that
    turns adversarial late in the window is not diluted by its earlier honest days; the last days are scored
    with the population models (coordination, inverted raters) fitted on the whole window.
    """
    as_of = day_str(as_of)
    acfg = cfg.adversarial
    fits: dict = {}  # the population models fitted on the whole window score the last days too
    full = _detect_window(stats, pairs, cfg, as_of, fits, content)
    recent_days = set(window_days(as_of, acfg.recent_days))
    if acfg.recent_days < acfg.trailing_days and not stats.empty:
        rec = _detect_window(
            stats[stats["day"].isin(recent_days)],
            pairs[pairs["day"].isin(recent_days)],
            cfg,
            as_of,
            fits,
            None if content is None else content[content["day"].isin(recent_days)],
        )
        rec = rec.set_index("user_id").reindex(full["user_id"]).reset_index(drop=True)
        for k in FLAG_COLUMNS:
            late = rec[k].fillna(False).astype(bool) & ~full[k]
            name = k[3:]
            full[k] = full[k] | late
            full[f"{name}_score"] = np.maximum(
                full[f"{name}_score"], rec[f"{name}_score"].fillna(0.0)
            )
            full.loc[late, "reason"] = (
                full.loc[late, "reason"].where(
                    full.loc[late, "reason"] == "", full.loc[late, "reason"] + "; "
                )
                + "last "
                + str(acfg.recent_days)
                + " days: "
                + rec.loc[late, "reason"]
            )
        late_group = full["group_id"].isna() & rec["group_id"].notna()
        full.loc[late_group, "group_id"] = rec.loc[late_group, "group_id"]
        full.loc[late_group, "group_size"] = rec.loc[late_group, "group_size"]
        full["flagged"] = full[FLAG_COLUMNS].any(axis=1)
        full["kind"] = np.where(
            full["kind"] == "",
            np.where(
                full["is_bot"],
                "bot",
                np.where(full["is_brigade"], "brigade", np.where(full["is_troll"], "troll", "")),
            ),
            full["kind"],
        )
    full["kind"] = np.where(full["flagged"], full["kind"], "")
    factor = 0.0 if acfg.action == "drop" else acfg.downweight_factor
    full["reputation"] = np.where(full["flagged"], factor, 1.0)
    full.insert(0, "as_of", as_of)
    return full


def build_user_reputation(
    lake: Lake, cfg: RlufConfig, as_of: dt.date | str, write: bool = True
) -> tuple[pd.DataFrame, dict]:
    """Reputation as of a day: recompute that day's stats and any missing ones, sum the stored days, detect."""
    as_of = day_str(as_of)
    require_not_failed(lake, cfg, GATED_DATASETS, as_of)
    days = window_days(as_of, cfg.adversarial.trailing_days)
    days = [d for d in days if d not in set(failed_days(lake, cfg, GATED_DATASETS, days))]
    available = set(lake.dataset_days("clean_reactions")) | set(lake.dataset_days("clean_turns"))
    # The day being materialised is always recomputed (its data may have been re-landed or relabelled);
    # earlier days of the window are reused from their stored aggregates.
    updates = [update_daily_stats(lake, cfg, d, force=(d == as_of)) for d in days if d in available]
    t0 = time.perf_counter()
    stats = lake.read_dataset(STATS_DATASET, days)
    pairs = lake.read_dataset(PAIRS_DATASET, days)
    content = lake.read_dataset(CONTENT_DATASET, days)
    t1 = time.perf_counter()
    rep = compute_reputation(stats, pairs, cfg, as_of, None if content.empty else content)
    t2 = time.perf_counter()
    if write:
        lake.write_dataset(REPUTATION_DATASET, rep, as_of)
    summary = summarise(rep)
    stored = set(stats["day"].unique()) if "day" in stats.columns else set()
    summary.update(
        as_of=as_of,
        window_days=[d for d in days if d in stored],
        days_computed=[u["day"] for u in updates if u["computed"]],
        combine_seconds=round(time.perf_counter() - t0, 3),
        texts_hashed=sum(u.get("texts_hashed", 0) for u in updates),
        phase_seconds=_phases(updates, t1 - t0, t2 - t1, time.perf_counter() - t2),
    )
    return rep, summary


def _phases(updates: list[dict], read_window: float, detect: float, write: float) -> dict:
    """Seconds by phase: the day's aggregates (read inputs, compute, write), then the window
    (read, detect, write)."""
    day = {
        k: sum(u.get("phases", {}).get(k, 0.0) for u in updates)
        for k in ("read", "compute", "write")
    }
    return {
        "day_read": round(day["read"], 3),
        "day_compute": round(day["compute"], 3),
        "day_write": round(day["write"], 3),
        "window_read": round(read_window, 3),
        "window_detect": round(detect, 3),
        "window_write": round(write, 3),
    }


def reputation_to_refresh(lake: Lake, cfg: RlufConfig, relabelled_day: dt.date | str) -> str | None:
    """The last labelled day, whose reputation feedback_dataset reads, when its window holds ``relabelled_day``
    (relabelled after that reputation was computed, so its stored aggregates are newer); None otherwise."""
    days = lake.dataset_days("labeled_turns")
    if not days:
        return None
    last, day = days[-1], day_str(relabelled_day)
    return last if day != last and day in window_days(last, cfg.adversarial.trailing_days) else None


def summarise(rep: pd.DataFrame) -> dict:
    reacting = rep["n_add"] > 0
    return {
        "users": int(len(rep)),
        "reacting_users": int(reacting.sum()),
        "flagged_users": int(rep["flagged"].sum()),
        "flagged_by_kind": {k: int((rep["kind"] == k).sum()) for k in ("bot", "brigade", "troll")},
        "detector_hits": {k[3:]: int(rep[k].sum()) for k in FLAG_COLUMNS},
        "groups": int(rep.loc[rep["is_brigade"], "group_id"].nunique()),
        "flagged_share_of_reacting": round(float(rep["flagged"].sum() / max(1, reacting.sum())), 5),
    }
