"""Build feedback_dataset from the lake, evaluate against ground truth when present, write the report."""

from __future__ import annotations

import logging

import pandas as pd

from rluf_core.adversarial.daily_stats import COORDINATED_DATASET
from rluf_core.adversarial.evaluation import evaluate
from rluf_core.adversarial.reputation import (
    GATED_DATASETS,
    REPUTATION_DATASET,
    build_user_reputation,
)
from rluf_core.config import RlufConfig
from rluf_core.feedback.builder import DATASET, build_feedback_dataset
from rluf_core.feedback.markdown import markdown
from rluf_core.lake import Lake
from rluf_core.quality.held import held_days
from rluf_core.quality.validate import failed_days

log = logging.getLogger(__name__)


def latest_reputation(lake: Lake, cfg: RlufConfig, as_of: str | None = None) -> pd.DataFrame:
    """The reputation as of `as_of` (default: the last labelled day whose checks did not fail), computed
    if not stored yet."""
    days = lake.dataset_days("labeled_turns")
    gated = set(failed_days(lake, cfg, GATED_DATASETS, days))
    days = [d for d in days if d not in gated]
    if as_of is None:
        if not days:
            raise ValueError("feedback_dataset: no labeled_turns partitions in the lake")
        as_of = days[-1]
    if lake.has_dataset(REPUTATION_DATASET, as_of):
        return lake.read_dataset(REPUTATION_DATASET, [as_of])
    rep, _ = build_user_reputation(lake, cfg, as_of)
    return rep


def run_feedback(
    lake: Lake,
    cfg: RlufConfig,
    ground_truth: Lake | None = None,
    as_of: str | None = None,
    write: bool = True,
) -> tuple[pd.DataFrame, dict]:
    rep = latest_reputation(lake, cfg, as_of)
    held = held_days(lake)  # days a blocking raw check holds: left out, and said so in the report
    days = lake.dataset_days("labeled_turns")
    gated = failed_days(lake, cfg, GATED_DATASETS, days)  # days whose stored blocking checks failed
    labeled = lake.read_dataset(
        "labeled_turns", [d for d in days if d not in held and d not in gated]
    )
    coordinated = (
        lake.read_dataset(COORDINATED_DATASET) if lake.dataset_days(COORDINATED_DATASET) else None
    )
    df, report = build_feedback_dataset(labeled, rep, cfg, coordinated)
    report["held_days_excluded"] = {d: names for d, names in held.items()}
    report["quality_failed_days"] = gated
    report["reputation_as_of"] = str(rep["as_of"].iloc[0]) if len(rep) else None
    report["flagged_users"] = {
        k: int((rep["kind"] == k).sum()) for k in ("bot", "brigade", "troll")
    }
    if ground_truth is not None and ground_truth.has_dataset("users"):
        truth = ground_truth.read_dataset("users")
        report["evaluation"] = evaluate(
            labeled,
            rep,
            df,
            truth,
            cfg.privacy.pseudonym_key,
            coordinated=coordinated,
            min_excess=cfg.adversarial.brigade.label_min_excess,
            troll_min_reactions=cfg.adversarial.troll.min_reactions,
        )
    if write:
        lake.write_dataset(DATASET, df)
        lake.write_report(DATASET, report, markdown(report))
    return df, report
