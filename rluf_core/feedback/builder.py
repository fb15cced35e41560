"""feedback_dataset: labelled turns minus adversarial feedback, capped per user and day, weighted, time-split."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rluf_core.adversarial.coordination import coordinated_excess
from rluf_core.config import RlufConfig
from rluf_core.feedback.defence import cap_positive_weight, downweight_unsafe_loves

log = logging.getLogger(__name__)

DATASET = "feedback_dataset"
COLUMNS = [
    "turn_id",
    "conversation_id",
    "user_id",
    "ts",
    "day",
    "context",
    "prompt",
    "response",
    "topic",
    "lang",
    "surface",
    "policy_version",
    "response_chars",
    "label",
    "weight",
    "split",
    "user_flagged",
    "flag_kind",
    "flag_reason",
    "user_reputation",
    "capped",
    "coordinated_excess",
]
REQUIRED = ["turn_id", "conversation_id", "user_id", "ts", "prompt", "response", "label"]


def time_split(days: pd.Series, validation_days: int, test_days: int) -> pd.Series:
    """train / validation / test by day: the last test_days are test, the validation_days before validation."""
    uniq = sorted(days.dropna().unique())
    test = set(uniq[-test_days:]) if test_days else set()
    rest = [d for d in uniq if d not in test]
    val = set(rest[-validation_days:]) if validation_days else set()
    return pd.Series(
        np.where(days.isin(test), "test", np.where(days.isin(val), "validation", "train")),
        index=days.index,
    )


def _cap(df: pd.DataFrame, cap: int, mode: str, seed: int) -> pd.DataFrame:
    n = df.groupby(["user_id", "day"])["turn_id"].transform("size")
    over = n > cap
    df["capped"] = over
    if mode == "weight":
        df["weight"] = df["weight"] * np.where(over, cap / n, 1.0)
        return df
    # a seeded order keyed by turn_id, not by row position: the same rows are kept however they arrive
    key = pd.util.hash_pandas_object(df["turn_id"].astype(str) + f"|{seed}", index=False).to_numpy()
    order = np.argsort(key, kind="stable")
    rank = np.empty(len(df), dtype=np.int64)
    rank[order] = df.iloc[order].groupby(["user_id", "day"]).cumcount().to_numpy()
    return df[rank < cap]


def _filter_coordinated(df: pd.DataFrame, cfg: RlufConfig, report: dict) -> pd.DataFrame:
    """Label level: positive labels inside a burst on their content kind, whether or not the user is flagged."""
    b = cfg.adversarial.brigade
    ex = df["coordinated_excess"]
    if b.label_filter == "weight":
        df["weight"] = df["weight"] * (1.0 - ex)
        report["downweighted_coordinated"] = {
            "rows": int((ex > 0).sum()),
            "weight_removed": round(float(ex.sum()), 3),
        }
        return df
    hit = (ex >= b.label_min_excess) & (ex > 0)
    report["removed"]["coordinated_burst"] = {
        "rows": int(hit.sum()),
        "positive": int(df.loc[hit, "label"].sum()),
        "users": int(df.loc[hit, "user_id"].nunique()),
        "min_excess_share": b.label_min_excess,
        "keys": list(b.label_filter_keys),
    }
    return df[~hit]


def _filter_too_fast(df: pd.DataFrame, cfg: RlufConfig, report: dict) -> pd.DataFrame:
    """Label level: positive labels whose first positive reaction came sooner after the reply was served than
    anyone reads it. They say nothing about the reply (the label-level side of the bot detector, which needs
    ``bot.min_events`` reactions before it judges an account); the turn's label is unknown, so the row goes."""
    t = cfg.adversarial.bot.label_min_latency_s
    if t is None or "first_positive_latency_s" not in df.columns:
        return df
    lat = pd.to_numeric(df["first_positive_latency_s"], errors="coerce")
    hit = (df["label"] == 1) & (lat < t)
    n = int(hit.sum())  # positive labels only, so rows and positives are the same
    report["removed"]["too_fast_to_read"] = {
        "rows": n,
        "positive": n,
        "users": int(df.loc[hit, "user_id"].nunique()),
        "min_latency_s": t,
    }
    return df[~hit]


def _weight_by_posteriors(df: pd.DataFrame, rep: pd.DataFrame, acfg, report: dict) -> pd.DataFrame:
    """Unflagged users' labels by their posteriors of each adversarial class (where enabled): dropped when a
    posterior reaches ``posterior_drop`` (more likely adversarial than not, by default), else weighted by
    1 - each posterior."""
    posts = {}
    for name, col, on in (
        ("troll", "troll_posterior", acfg.troll.weight_by_posterior),
        ("coordinated", "coord_posterior", acfg.brigade.weight_by_posterior),
    ):
        if on and col in rep.columns:
            mapped = pd.to_numeric(df["user_id"].map(rep[col]), errors="coerce").astype(
                float
            )  # float when empty too
            posts[name] = mapped.fillna(0.0).clip(0, 1).where(~df["user_flagged"], 0.0)
    if not posts:
        return df
    if acfg.action == "drop" and acfg.posterior_drop is not None:
        likely = pd.concat(posts.values(), axis=1).max(axis=1) >= acfg.posterior_drop
        report["removed"]["likely_adversarial"] = {
            "rows": int(likely.sum()),
            "positive": int(df.loc[likely, "label"].sum()),
            "users": int(df.loc[likely, "user_id"].nunique()),
            "min_posterior": acfg.posterior_drop,
        }
        df = df[~likely]
        posts = {k: v[~likely] for k, v in posts.items()}
    for (
        name,
        post,
    ) in posts.items():  # the factors multiply: each removes a share of what the last one left
        before = df["weight"]
        df["weight"] = before * (1.0 - post)
        lost = before - df["weight"]
        report[f"downweighted_{name}_posterior"] = {
            "rows": int((post > 0.01).sum()),
            "users": int(df.loc[post > 0.01, "user_id"].nunique()),
            "weight_removed": round(float(lost.sum()), 3),
            "positive_weight_removed": round(float(lost[df["label"] == 1].sum()), 3),
        }
    return df


def build_feedback_dataset(
    labeled: pd.DataFrame,
    reputation: pd.DataFrame,
    cfg: RlufConfig,
    coordinated: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The training set and a report of what was removed or down-weighted, why and how much.

    ``coordinated``: the coordinated_reactions rows (positive reactions inside bursts on their content
    kind); with ``adversarial.brigade.label_filter`` on, their labels are dropped or down-weighted.
    """
    missing = [c for c in REQUIRED if c not in labeled.columns]
    if missing:
        raise ValueError(f"labeled_turns: missing columns {missing}")
    acfg = cfg.adversarial
    df = labeled.copy()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    df["day"] = df["ts"].dt.strftime("%Y-%m-%d")
    df["label"] = df["label"].fillna(0).astype(int)
    report: dict = {
        "input_rows": int(len(df)),
        "input_positive": int(df["label"].sum()),
        "removed": {},
    }
    if acfg.drop_incomplete_windows and "label_window_complete" in df.columns:
        inc = ~df["label_window_complete"].fillna(False).astype(bool)
        report["removed"]["incomplete_label_window"] = {
            "rows": int(inc.sum()),
            "positive": int(df.loc[inc, "label"].sum()),
        }
        df = df[~inc]
    rep = (
        reputation.set_index("user_id")
        if len(reputation)
        else pd.DataFrame(columns=["flagged", "kind", "reason", "reputation"])
    )
    df["user_flagged"] = (
        df["user_id"].map(rep["flagged"]).fillna(False).astype(bool) if acfg.enabled else False
    )
    df["flag_kind"] = df["user_id"].map(rep["kind"]).fillna("").where(df["user_flagged"], "")
    df["flag_reason"] = df["user_id"].map(rep["reason"]).fillna("").where(df["user_flagged"], "")
    df["user_reputation"] = (
        df["user_id"].map(rep["reputation"]).fillna(1.0).where(df["user_flagged"], 1.0)
    )
    df["weight"] = 1.0
    df["coordinated_excess"] = coordinated_excess(df, coordinated) if acfg.enabled else 0.0
    flagged_stats = {}
    for kind, g in df[df["user_flagged"]].groupby("flag_kind"):
        flagged_stats[kind] = {
            "rows": int(len(g)),
            "positive": int(g["label"].sum()),
            "users": int(g["user_id"].nunique()),
        }
    if acfg.enabled and acfg.action == "drop":
        report["removed"]["adversarial_user"] = flagged_stats
        df = df[~df["user_flagged"]]
    else:
        report["downweighted"] = {"factor": acfg.downweight_factor, "by_kind": flagged_stats}
        df["weight"] = df["weight"] * df["user_flagged"].map(
            {True: acfg.downweight_factor, False: 1.0}
        )
    if acfg.enabled and acfg.brigade.label_filter != "off":
        df = _filter_coordinated(df, cfg, report)
    if acfg.enabled:
        df = _filter_too_fast(df, cfg, report)
        # borrow strength at label level: an unflagged user's labels count as much as the user is likely honest
        df = _weight_by_posteriors(df, rep, acfg, report)
        df = downweight_unsafe_loves(df, acfg, report)
        df = cap_positive_weight(df, rep, acfg, report)
    before = len(df)
    df = _cap(df, acfg.max_labels_per_user_per_day, acfg.cap_mode, cfg.seed)
    report["capped"] = {
        "cap": acfg.max_labels_per_user_per_day,
        "mode": acfg.cap_mode,
        "rows_over_cap": int(df["capped"].sum())
        if acfg.cap_mode == "weight"
        else int(before - len(df)),
        "users_over_cap": int(df.loc[df["capped"], "user_id"].nunique()),
    }
    s = acfg.split
    key_day = (
        df.groupby("conversation_id")["day"].transform("min")
        if s.by == "conversation_start"
        else df["day"]
    )
    df["split"] = time_split(key_day, s.validation_days, s.test_days)
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = None
    df = df[COLUMNS].sort_values(["ts", "turn_id"], ignore_index=True)
    report.update(
        output_rows=int(len(df)),
        output_positive=int(df["label"].sum()),
        positive_rate=round(float(df["label"].mean()), 5) if len(df) else None,
        weighted_positive=round(float((df["label"] * df["weight"]).sum()), 3),
        splits={
            k: {
                "rows": int(len(g)),
                "positive": int(g["label"].sum()),
                "days": sorted(g["day"].unique().tolist()),
            }
            for k, g in df.groupby("split")
        },
    )
    log.info(
        "feedback_dataset: %d -> %d rows (%d -> %d positive)",
        report["input_rows"],
        len(df),
        report["input_positive"],
        report["output_positive"],
    )
    return df, report
