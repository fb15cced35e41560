"""Drift of the served traffic: the love rate and the topic mix of the latest days of labeled_turns
against the trailing days before them (config schedules.drift). The drift sensor requests a
retraining when either moves beyond its bound; the verdict carries its numbers either way.

Love rate: recent / baseline, drifted when above love_rate_max_ratio or below its inverse.
Topic mix: total variation distance 0.5 * sum |p_recent(t) - p_baseline(t)| over topics (a missing
topic reads as "unknown"), drifted above topic_max_tvd. Too few days or rows on either side: no
verdict.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rluf_core.config.schedules import DriftConfig
from rluf_core.lake import Lake

DATASET = "labeled_turns"


def _read(lake: Lake, days: list[str]) -> pd.DataFrame:
    frames = []
    for day in days:
        df = lake.read_dataset(DATASET, [day])
        topic = (
            df["topic"] if "topic" in df.columns else pd.Series(None, index=df.index, dtype=object)
        )
        frames.append(
            pd.DataFrame({"label": df["label"].astype(float), "topic": topic.fillna("unknown")})
        )
    return (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["label", "topic"])
    )


def topic_tvd(recent: pd.Series, baseline: pd.Series) -> float:
    """Total variation distance between two samples' category shares."""
    p = recent.value_counts(normalize=True)
    q = baseline.value_counts(normalize=True)
    return float(0.5 * p.sub(q, fill_value=0.0).abs().sum())


def drift_verdict(lake: Lake, cfg: DriftConfig) -> dict[str, Any]:
    """{"drifted", "reasons", "latest_day", love rates, ratio, topic_tvd, days}: the latest
    recent_days of labeled_turns against the baseline_days before them."""
    days = lake.dataset_days(DATASET)
    recent_days = days[-cfg.recent_days :]
    base_days = (
        days[-(cfg.recent_days + cfg.baseline_days) : -cfg.recent_days]
        if len(days) > cfg.recent_days
        else []
    )
    out: dict[str, Any] = {
        "drifted": False,
        "reasons": [],
        "latest_day": days[-1] if days else None,
        "recent_days": recent_days,
        "baseline_days": base_days,
    }
    if len(base_days) < cfg.min_baseline_days:
        out["reasons"] = [
            f"{len(base_days)} baseline days < min_baseline_days "
            f"{cfg.min_baseline_days}: no verdict"
        ]
        return out
    recent, base = _read(lake, recent_days), _read(lake, base_days)
    if min(len(recent), len(base)) < cfg.min_rows:
        out["reasons"] = [
            f"{len(recent)} recent / {len(base)} baseline rows < min_rows "
            f"{cfg.min_rows}: no verdict"
        ]
        return out
    r_rate, b_rate = float(recent["label"].mean()), float(base["label"].mean())
    ratio = r_rate / b_rate if b_rate > 0 else (float("inf") if r_rate > 0 else 1.0)
    tvd = topic_tvd(recent["topic"], base["topic"])
    out.update(
        love_rate_recent=r_rate,
        love_rate_baseline=b_rate,
        love_rate_ratio=ratio,
        topic_tvd=tvd,
        recent_rows=len(recent),
        baseline_rows=len(base),
    )
    bound = cfg.love_rate_max_ratio
    if ratio > bound or ratio < 1 / bound:
        out["reasons"].append(
            f"love rate {r_rate:.4f} vs baseline {b_rate:.4f}: ratio {ratio:.3g} outside "
            f"[{1 / bound:.3g}, {bound:g}]"
        )
    if tvd > cfg.topic_max_tvd:
        out["reasons"].append(f"topic mix moved: total variation {tvd:.3f} > {cfg.topic_max_tvd:g}")
    out["drifted"] = bool(out["reasons"])
    if not out["drifted"]:
        out["reasons"] = [
            f"love rate ratio {ratio:.3g} and topic total variation {tvd:.3f} within bounds"
        ]
    return out
