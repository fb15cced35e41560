"""Adversarial feedback: per-day user aggregates, window features, detectors, reputation, evaluation."""

from rluf_core.adversarial.daily_stats import PAIRS_DATASET, STATS_DATASET, compute_user_daily_stats
from rluf_core.adversarial.detectors import KINDS, detect
from rluf_core.adversarial.features import combine_days, combine_pairs, robust_z, user_features
from rluf_core.adversarial.reputation import (
    REPUTATION_DATASET,
    build_user_reputation,
    compute_reputation,
    update_daily_stats,
    window_days,
)

__all__ = [
    "KINDS",
    "PAIRS_DATASET",
    "REPUTATION_DATASET",
    "STATS_DATASET",
    "build_user_reputation",
    "combine_days",
    "combine_pairs",
    "compute_reputation",
    "compute_user_daily_stats",
    "detect",
    "robust_z",
    "update_daily_stats",
    "user_features",
    "window_days",
]
