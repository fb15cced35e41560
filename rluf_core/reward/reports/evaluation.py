"""Build p_love_report from what the training job left in the lake (predictions, model report) and, when
traffic is simulated, the ground truth; write it to the lake and to the model's MLflow run."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import mlflow
import pandas as pd

from rluf_core import tracking
from rluf_core.config import RlufConfig
from rluf_core.lake import Lake
from rluf_core.reward.reports.report import (
    RewardReport,
    evaluate_predictions,
    flat_test_metrics,
    render_markdown,
)

log = logging.getLogger("rluf.reward.evaluation")

PREDICTIONS = "p_love_predictions"
MODEL_REPORT = "p_love_model"
REPORT = "p_love_report"


def load_truth(cfg: RlufConfig, preds: pd.DataFrame) -> pd.DataFrame | None:
    """Ground truth for the predicted turns, or None when there is none (real traffic)."""
    gt = Lake(cfg.storage.ground_truth)
    days = gt.dataset_days("turns")
    if not days and not gt.has_dataset("turns"):
        return None
    wanted: list[str] | None
    if "day" in preds.columns and days:
        wanted = sorted({str(d)[:10] for d in preds["day"].dropna()} & set(days)) or days
    else:
        wanted = days or None
    truth = gt.read_dataset("turns", wanted, columns=["turn_id", "p_love_text", "p_love_user"])
    return truth if len(truth) else None


def write_lake_report(
    lake: Lake, name: str, rep: RewardReport, metrics: dict, extra_markdown: str = ""
) -> str:
    """reports/<name>.json and .md with the report's images beside them as <name>_<image>, so that the
    Markdown's links resolve in the lake (and in an MLflow folder written the same way). Returns the Markdown."""
    prefix = f"{name}_"
    for fname, data in rep.images.items():
        lake.write_bytes(f"reports/{prefix}{fname}", data)
    markdown = render_markdown(rep.metrics, rep.slices, image_prefix=prefix) + extra_markdown
    lake.write_report(name, metrics, markdown)
    return markdown


def build_report(cfg: RlufConfig, log_to_mlflow: bool = True) -> RewardReport:
    lake = Lake(cfg.storage.lake)
    if not lake.has_dataset(PREDICTIONS):
        raise FileNotFoundError(
            f"{lake.dataset_path(PREDICTIONS)}: no predictions; materialise p_love_model first"
        )
    preds = lake.read_dataset(PREDICTIONS)
    truth = load_truth(cfg, preds)
    rep = evaluate_predictions(preds, cfg.reward_model, truth, seed=cfg.seed)
    model = lake.read_report(MODEL_REPORT) if lake.fs.exists(lake.report_path(MODEL_REPORT)) else {}
    rep.metrics["model_uri"], rep.metrics["model_version"] = (
        model.get("model_uri"),
        model.get("model_version"),
    )
    rep.metrics["ground_truth"] = truth is not None
    rep.markdown = write_lake_report(lake, REPORT, rep, rep.metrics)
    run_id = model.get("mlflow_run_id")
    if log_to_mlflow and run_id:
        _log_to_run(cfg, run_id, rep, model)
    return rep


def _log_to_run(cfg: RlufConfig, run_id: str, rep: RewardReport, model: dict) -> None:
    tracking.configure(cfg)
    client = mlflow.MlflowClient()
    flat = flat_test_metrics(rep.metrics["test"], "report_")
    if "auroc_ratio_to_ceiling" in rep.metrics:
        flat["report_auroc_ratio_to_ceiling"] = rep.metrics["auroc_ratio_to_ceiling"]
    for k, v in flat.items():
        client.log_metric(run_id, k, v)
    with (
        tempfile.TemporaryDirectory() as tmp
    ):  # the same names as in the lake: the Markdown links them so
        for name, data in rep.images.items():
            Path(tmp, f"{REPORT}_{name}").write_bytes(data)
        Path(tmp, f"{REPORT}.md").write_text(rep.markdown)
        client.log_artifacts(run_id, tmp, artifact_path=REPORT)
    if model.get("model_version"):
        client.set_model_version_tag(
            cfg.reward_model.model_name,
            model["model_version"],
            "rluf.report_passed",
            str(rep.passed).lower(),
        )
