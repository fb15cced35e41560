"""Offline predicts online: a policy's mean P[Love] on the fixed prompts against its simulated
online love rate, across policy variants (checkpoints along training, a P[Love] weight sweep).

Every variant answers the same fixed prompts (offline, scored by the pipeline's P[Love]) and the
same simulated traffic (online: the same users, prompts and uniform draws, so variants differ
only by their words). A variant whose generation or scoring fails is listed as failed with its
error and left out of r, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.evaluation.ab_test import generate_for, pooled_replies
from rluf_core.evaluation.online import Traffic, draw_traffic, react, simulator_config
from rluf_core.evaluation.progress import Progress
from rluf_core.policy.generation import Policy

MIN_VARIANTS = 3  # fewer successful variants: no r


def _contexts(prompts: pd.DataFrame) -> list[str | None]:
    if "context" not in prompts.columns:
        return [None] * len(prompts)
    return [None if pd.isna(c) else c for c in prompts["context"]]


def _one(
    policy: Policy,
    prompts: pd.DataFrame,
    p_love: Callable[[pd.DataFrame], np.ndarray],
    traffic: Traffic,
    cfg: RlufConfig,
) -> dict:
    replies = generate_for(
        policy,
        prompts["prompt"].tolist(),
        _contexts(prompts),
        cfg.seed,
        "correlation (fixed prompts)",
    )
    scores = np.asarray(p_love(prompts.assign(response=replies)), dtype=np.float64)
    if len(scores) != len(prompts) or not np.isfinite(scores).all():
        raise ValueError(
            f"p_love returned {len(scores)} values for {len(prompts)} replies, or non-finite ones"
        )
    rows = np.arange(len(traffic))
    online = pooled_replies(
        policy,
        list(traffic.prompts),
        cfg.evaluation.variant_reply_pool,
        cfg.seed,
        "correlation (online)",
    )
    reactions = react(traffic, rows, online, cfg.source.simulator)
    return {
        "offline_p_love_mean": float(scores.mean()),
        "online_love_rate": float(reactions["loved"].mean()),
        "online_expected_love_rate": float(reactions["p_love"].mean()),
    }


def _line(row: dict) -> str:
    if row["status"] != "ok":
        return f"{row['name']}: failed ({row['error']})"
    return (
        f"{row['name']}: offline P[Love] {row['offline_p_love_mean']:.4f}, "
        f"online love rate {row['online_love_rate']:.4f}"
    )


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson r, None with fewer than MIN_VARIANTS points or no spread."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    if len(xa) < MIN_VARIANTS or xa.std() == 0 or ya.std() == 0:
        return None
    return float(np.corrcoef(xa, ya)[0, 1])


def offline_online(
    variants: Sequence[Policy],
    prompts: pd.DataFrame,
    scorers: Mapping[str, Callable[[pd.DataFrame], np.ndarray]],
    cfg: RlufConfig,
    traffic: Traffic | None = None,
) -> dict:
    """{"offline_online_pearson", "n_variants" (those measured), "n_failed", "variants": [{name,
    status: ok|failed, offline_p_love_mean, online_love_rate, online_expected_love_rate | error}],
    "online_turns", "online_users"}; traffic defaults to evaluation.variant_users over one day."""
    simulator_config(cfg, "offline_online correlation")
    if len(prompts) == 0:
        raise ValueError("offline_online correlation: the fixed prompt set is empty")
    if "p_love" not in scorers:
        raise ValueError("offline_online correlation: scorers lack 'p_love'")
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise ValueError(f"offline_online correlation: variant names repeat: {names}")
    traffic = traffic or draw_traffic(cfg, n_users=cfg.evaluation.variant_users, days=1)
    rows = []
    progress = Progress("offline-vs-online variant", len(variants))
    for v in variants:
        try:
            rows.append(
                {
                    "name": v.name,
                    "status": "ok",
                    **_one(v, prompts, scorers["p_love"], traffic, cfg),
                }
            )
        except Exception as e:  # noqa: BLE001 - reported as a failed variant, never dropped
            rows.append({"name": v.name, "status": "failed", "error": f"{type(e).__name__}: {e}"})
        progress.done(_line(rows[-1]))
    ok = [r for r in rows if r["status"] == "ok"]
    return {
        # online: the receiving users' own P(love) of each reply, averaged (no Bernoulli noise);
        # the drawn love rate's r is beside it
        "offline_online_pearson": pearson(
            [r["offline_p_love_mean"] for r in ok], [r["online_expected_love_rate"] for r in ok]
        ),
        "offline_online_pearson_drawn": pearson(
            [r["offline_p_love_mean"] for r in ok], [r["online_love_rate"] for r in ok]
        ),
        "n_variants": len(ok),
        "n_failed": len(rows) - len(ok),
        "variants": rows,
        "online_turns": len(traffic),
        "online_users": int(len(traffic.users)),
    }
