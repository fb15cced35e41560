"""offline_eval_report: each arm's replies on the fixed prompt set, scored and checked for hacking.

Arms are frames of the same fixed prompts (prompt, context, topic) with that arm's `response`:
"reference" (the production replies, the detectors' yardstick), "champion" and "challenger". The
scorers are the pipeline's own models: "p_love" (calibrated P[Love]), "helpfulness" (the
helpfulness model) and "unsafe" (the safety judge's flag). When traffic is simulated, the
simulator's judges add true helpfulness, true unsafe rate and the population's love rate
(judge_replies): evaluation only, never fed back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.evaluation import detectors as det
from rluf_core.evaluation.simulated_users import judge_replies

REFERENCE, CHAMPION, CHALLENGER = "reference", "champion", "challenger"
SCORERS = ("p_love", "helpfulness", "unsafe")
ARM_COLUMNS = ("prompt", "response")
Scorer = Callable[[pd.DataFrame], np.ndarray]


def _check_arms(arms: Mapping[str, pd.DataFrame]) -> None:
    if REFERENCE not in arms:
        raise ValueError(
            f"offline_report: no {REFERENCE!r} arm (the production replies) among {list(arms)}"
        )
    ref = arms[REFERENCE]
    if len(ref) == 0:
        raise ValueError(
            "offline_report: the fixed prompt set is empty (reference arm has no rows)"
        )
    for name, df in arms.items():
        missing = [c for c in ARM_COLUMNS if c not in df.columns]
        if missing:
            raise ValueError(f"offline_report: arm {name!r} lacks column(s) {missing}")
        if len(df) != len(ref) or not (df["prompt"].to_numpy() == ref["prompt"].to_numpy()).all():
            raise ValueError(
                f"offline_report: arm {name!r} is not on the reference's fixed prompt set "
                f"({len(df)} rows vs {len(ref)}, or other prompts)"
            )


def _score(scorers: Mapping[str, Scorer], key: str, df: pd.DataFrame, arm: str) -> np.ndarray:
    if key not in scorers:
        raise ValueError(f"offline_report: scorers lack {key!r} (need {list(SCORERS)})")
    out = np.asarray(scorers[key](df), dtype=np.float64).reshape(-1)
    if len(out) != len(df) or not np.isfinite(out).all():
        raise ValueError(
            f"offline_report: scorer {key!r} on arm {arm!r} returned {len(out)} values for "
            f"{len(df)} replies, or non-finite ones"
        )
    return out


def scored_rows(
    df: pd.DataFrame, scorers: Mapping[str, Scorer], cfg: RlufConfig, arm: str
) -> pd.DataFrame:
    """Per reply: topic, the three scores, bait flag and, when simulated, the simulator's judges."""
    df = df.reset_index(drop=True)
    topic = df["topic"] if "topic" in df.columns else pd.Series([None] * len(df))
    out = pd.DataFrame({"topic": topic.fillna("(none)").astype(str).to_numpy()})
    for key in SCORERS:
        out[key] = _score(scorers, key, df, arm)
    out["bait"] = det.reply_flags(df["response"].tolist(), cfg.evaluation.bait_lexicon)[
        "bait"
    ].to_numpy()
    if cfg.source.kind == "simulator":
        truth = judge_replies(df, cfg.source.simulator)
        out["true_helpfulness"] = truth["true_helpfulness"].to_numpy()
        out["true_unsafe"] = truth["true_unsafe"].to_numpy()
        out["sim_love"] = truth["love_prob"].to_numpy()
    return out


def _means(rows: pd.DataFrame) -> dict[str, float]:
    m = {
        "n": int(len(rows)),
        "p_love_mean": float(rows["p_love"].mean()),
        "helpfulness_mean": float(rows["helpfulness"].mean()),
        "unsafe_rate": float((rows["unsafe"] > 0.5).mean()),
        "bait_rate": float(rows["bait"].mean()),
    }
    if "sim_love" in rows.columns:
        m.update(
            true_helpfulness_mean=float(rows["true_helpfulness"].mean()),
            true_unsafe_rate=float(rows["true_unsafe"].mean()),
            sim_love_rate=float(rows["sim_love"].mean()),
        )
    return m


def _per_topic(scored: Mapping[str, pd.DataFrame]) -> list[dict]:
    out = []
    topics = sorted(set().union(*(set(s["topic"]) for s in scored.values())))
    for topic in topics:
        for arm, rows in scored.items():
            sub = rows[rows["topic"] == topic]
            if len(sub):
                out.append({"topic": topic, "arm": arm, **_means(sub)})
    return out


def offline_report(
    arms: Mapping[str, pd.DataFrame],
    scorers: Mapping[str, Scorer],
    cfg: RlufConfig,
    extras: Mapping[str, Mapping[str, float]] | None = None,
) -> dict:
    """The offline report's JSON: n_prompts, arms, detectors, divergence, per_topic (module doc).
    `extras` adds per-arm numbers from elsewhere, e.g. {"challenger": {"kl_to_reference": 3.2}}."""
    _check_arms(arms)
    scored = {name: scored_rows(df, scorers, cfg, name) for name, df in arms.items()}
    summaries = {
        name: det.summarize(df["response"].tolist(), cfg.evaluation.bait_lexicon)
        for name, df in arms.items()
    }
    metrics = {}
    for name, rows in scored.items():
        m = _means(rows)
        m.pop("n")
        m["mean_words"] = summaries[name]["mean_words"]
        m["emoji_per_reply"] = summaries[name]["emoji_per_reply"]
        m["bait_rate"] = summaries[name]["bait_rate"]  # the gates read the detectors' lexicon rate
        ref_words = summaries[REFERENCE]["mean_words"]
        m["length_ratio"] = m["mean_words"] / ref_words if ref_words else float("nan")
        m.update(dict((extras or {}).get(name, {})))
        metrics[name] = m
    ref = summaries[REFERENCE]
    tol = cfg.evaluation.divergence_tolerance
    divergence = {
        name: det.divergence(metrics[name], metrics[REFERENCE], tol)
        for name in arms
        if name != REFERENCE
    }
    if CHAMPION in arms and CHALLENGER in arms:
        divergence["challenger_vs_champion"] = det.divergence(
            metrics[CHALLENGER], metrics[CHAMPION], tol
        )
    return {
        "n_prompts": int(len(arms[REFERENCE])),
        "simulated": cfg.source.kind == "simulator",
        "arms": metrics,
        "detectors": {name: det.detectors(summaries[name], ref, cfg) for name in arms},
        "divergence": divergence,
        "per_topic": _per_topic(scored),
    }


def flagged(report: dict, arm: str) -> list[str]:
    """Names of the detectors (and divergence) that flag `arm`."""
    out = [k for k, d in report["detectors"].get(arm, {}).items() if d["flagged"]]
    if report["divergence"].get(arm, {}).get("flagged"):
        out.append("divergence")
    return out
