"""The helpfulness model: a counterweight to P[Love], trained on annotator ratings.

Ratings (1..5, several annotators with their own bias and noise) are joined to the rated turns; a turn
rated >= `helpful_at` is a positive, and the reward-model code (the same head over the same frozen
encoder as P[Love]) learns a calibrated P(helpful | context, response). Split by rating day, so the
held-out Spearman against the annotators' scores is on later turns than the model saw. In production a
saved scorer (`policy.helpfulness.model`) is used as is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from rluf_core.config.policy import HelpfulnessSettings
from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward import train_reward_model

HELPFULNESS_MODEL_NAME = "rluf-helpfulness"


@dataclass
class HelpfulnessResult:
    scorer_dir: Path
    summary: dict[str, Any]


def rating_frame(
    ratings: pd.DataFrame, turns: pd.DataFrame, hs: HelpfulnessSettings
) -> pd.DataFrame:
    """Ratings joined to their turns, labelled and split by rating day (last day test, one before it
    validation, the rest train)."""
    cols = ["turn_id", "prompt", "response", "context"] + (
        ["topic"] if "topic" in turns.columns else []
    )
    df = ratings.merge(turns[cols].drop_duplicates("turn_id"), on="turn_id", how="inner")
    if len(df) < hs.min_ratings:
        raise ValueError(
            f"helpfulness_model: {len(df)} ratings match a clean turn ({len(ratings)} ratings in "
            f"all); it needs at least {hs.min_ratings} (policy.helpfulness.min_ratings)"
        )
    days = sorted(df["day"].astype(str).unique())
    if len(days) < 3:
        raise ValueError(
            f"helpfulness_model: ratings on {len(days)} day(s) {days}; the time split needs 3 "
            "(train, validation, test)"
        )
    split = np.where(
        df["day"] == days[-1], "test", np.where(df["day"] == days[-2], "validation", "train")
    )
    return df.assign(
        label=(df["helpfulness"] >= hs.helpful_at).astype(int),
        split=split,
        turn_id=df["rating_id"].astype(str),
        rated_turn_id=df["turn_id"],
    )


def helpfulness_config(
    rm: RewardModelConfig, hs: HelpfulnessSettings, positive_rate: float
) -> RewardModelConfig:
    """P[Love]'s settings for a balanced, small label set: natural class weights, no extra ensemble."""
    share = float(min(max(positive_rate, 0.05), 0.95))
    return rm.model_copy(
        update={
            "positive_share": share,
            "epochs": hs.epochs,
            "ensemble": 1,
            "wide": False,
            "model_name": HELPFULNESS_MODEL_NAME,
            "max_validation_rows": None,
            "calibration_min_per_class": 10,
        }
    )


def train_helpfulness(
    frame: pd.DataFrame,
    rm: RewardModelConfig,
    hs: HelpfulnessSettings,
    work_dir: str | os.PathLike,
    *,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    device: str = "cpu",
) -> HelpfulnessResult:
    """Train and save the helpfulness scorer under work_dir/scorer; held-out Spearman in the summary."""
    cfg = helpfulness_config(rm, hs, float(frame.loc[frame["split"] == "train", "label"].mean()))
    res = train_reward_model(frame, cfg, work_dir, seed=seed, cache_dir=cache_dir, device=device)
    test = frame[frame["split"] == "test"]
    pred = res.predictions.set_index("turn_id")["p_love"]
    score = pred.reindex(test["turn_id"]).to_numpy()
    rho = float(spearmanr(score, test["helpfulness"].to_numpy()).statistic)
    summary = {
        "ratings": len(frame),
        "train_rows": int((frame["split"] == "train").sum()),
        "test_rows": len(test),
        "helpful_share": float(frame["label"].mean()),
        "heldout_spearman": rho,
        "annotators": int(frame["annotator_id"].nunique()),
    }
    assert res.scorer_dir is not None  # saved: train_reward_model's save=True
    return HelpfulnessResult(scorer_dir=Path(res.scorer_dir), summary=summary)
