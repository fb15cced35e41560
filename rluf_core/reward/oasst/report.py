"""The OASST report's outputs: Markdown and JSON with the plots for a person, and the same as an MLflow run."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd

from rluf_core import tracking
from rluf_core.config import RlufConfig
from rluf_core.reward.reports.report import (
    RewardReport,
    flat_test_metrics,
    md_table,
    render_markdown,
)

REPORT_FILES = ("oasst_report.md", "oasst_report.json", "reliability.png", "roc.png")


def render_oasst_markdown(out: dict, rep: RewardReport) -> str:
    """The report for a person: how the candidate was chosen on dev, then the test report with its slices."""
    rows = {**out["cv"], **{f"{k} (reference)": v for k, v in out["cv_reference"].items()}}
    cv = pd.DataFrame(
        [dict(candidate=k, cv_auroc_mean=v["mean"], cv_auroc_std=v["std"]) for k, v in rows.items()]
    )
    head = [
        "# P[Love] on real reactions: OpenAssistant replies (positive = at least one thumbs up)",
        "",
        f"Chosen by {len(out['cv'])}-candidate grouped cross-validation on dev ({out['n_dev']} replies, folds by "
        f"conversation): **{out['chosen']}**; trained on dev, reported once on test.",
        "",
        md_table(cv),
        "",
        "`crowd_reference` is not a text model and is never chosen: a logistic regression of the thumbs up on "
        "the crowd's own annotations of each reply (its rank among sibling replies, quality and helpfulness "
        "labels; the latter in the oasst1 export only) with its length and depth, fitted on dev. It shows how "
        "far judging replies as well as a crowd of readers goes on these labels.",
        "",
        "Test slices: `source` is the export a reply came from; replies with no emoji record at all "
        "(`emoji_record` none) are negatives whatever their text.",
        "",
    ]
    return "\n".join(head) + "\n" + render_markdown(out, rep.slices, title="Test report", level=2)


def write_report(out: dict, rep: RewardReport, folder: str | Path) -> None:
    """REPORT_FILES into ``folder``: the Markdown, the JSON of ``out`` and the plots."""
    Path(folder, "oasst_report.json").write_text(json.dumps(out, indent=2, default=float))
    Path(folder, "oasst_report.md").write_text(render_oasst_markdown(out, rep))
    for name, png in rep.images.items():
        Path(folder, name).write_bytes(png)


def log_to_mlflow(out: dict, folder: str | Path, cfg: RlufConfig, data_path: str | Path) -> str:
    """One run in the configured MLflow experiment: the chosen config as params, the report's numbers as metrics,
    its Markdown, JSON and plots as artifacts (oasst_report/), tagged like every rluf run. Returns the run id."""
    tracking.configure(cfg)
    tags = tracking.run_tags(cfg, data=str(data_path), chosen=out["chosen"], report="oasst")
    with mlflow.start_run(run_name="oasst-report", tags=tags) as run:
        mlflow.log_params({f"reward_model.{k}": v for k, v in out["config"].items()})
        cv = {**out["cv"], **out["cv_reference"]}
        mlflow.log_metrics(
            {
                **{f"cv_{name}_auroc": v["mean"] for name, v in cv.items()},
                **flat_test_metrics(out["test"], "test_"),
            }
        )
        for name in REPORT_FILES:
            mlflow.log_artifact(str(Path(folder, name)), artifact_path="oasst_report")
    return run.info.run_id
