"""The real-data report (rluf_core.reward.oasst, oasst_report): CV on dev, one test report with intervals,
slices and plots.

Only dev rows are read: a third of dev's conversations stand in for the test split, so the test split stays for
the number the report quotes.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from rluf_core.config import load_config
from rluf_core.reward.oasst.reference import CrowdReference, crowd_columns
from rluf_core.reward.oasst.report import REPORT_FILES, log_to_mlflow
from rluf_core.reward.oasst.study import evaluate, load_oasst

SOURCE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "oasst"
    / "oasst_replies.parquet"
)
pytestmark = pytest.mark.skipif(not SOURCE.exists(), reason="OASST data not present")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    src = pd.read_parquet(SOURCE)
    dev = src[src["split"] == "dev"].copy()
    convs = np.sort(dev["conversation_id"].unique())
    held = set(np.random.default_rng(1).choice(convs, len(convs) // 3, replace=False))
    dev["split"] = np.where(dev["conversation_id"].isin(held), "test", "dev")
    tmp = tmp_path_factory.mktemp("oasst")
    dev.to_parquet(tmp / "replies.parquet")
    out = evaluate(
        tmp / "replies.parquet",
        tmp / "out",
        folds=2,
        names=["length_depth_writing_logistic", "stats_logistic"],
        n_boot=100,
    )
    return dev, out, tmp / "out"


def test_report_numbers_and_intervals(report):
    dev, out, _ = report
    n_test = int((dev["split"] == "test").sum())
    assert out["n_test"] == n_test and out["n_dev"] == len(dev) - n_test
    assert out["baselines_fitted_on"] == "dev" and out["n_baseline_rows"] == out["n_dev"]
    assert set(out["cv"]) == {"length_depth_writing_logistic", "stats_logistic"}
    assert out["chosen"] == max(out["cv"], key=lambda k: out["cv"][k]["mean"])
    model, length = out["test"]["model"], out["test"]["length_only"]
    assert model["auroc"] > 0.55 and length["auroc"] > 0.5
    for r in (model, length):
        for ci in (r["auroc_ci"], r["auroc_ci_by_group"]):
            assert ci["lo"] < r["auroc"] < ci["hi"]
    assert (
        0.02 < model["ece_noise_floor"] < 0.15
    )  # a few hundred rows: ECE is mostly sampling noise
    diff = length["auroc_ci"]
    assert diff["diff_vs_first_lo"] < model["auroc"] - length["auroc"] < diff["diff_vs_first_hi"]


def test_report_slices_say_where_text_cannot_help(report):
    dev, out, _ = report
    by_record = {r["emoji_record"]: r for r in out["slices"]["emoji_record"]}
    none = by_record["none (always negative)"]
    assert none["rate"] == 0.0 and np.isnan(
        none["auroc"]
    )  # no emoji record at all: negatives whatever the text
    test = dev[dev["split"] == "test"]
    assert none["n"] == int((~test["has_emoji_record"].astype(bool)).sum())
    assert sum(r["n"] for r in out["slices"]["source"]) == len(test)
    assert {r["depth"] for r in out["slices"]["depth"]} <= {"0-1", "2-3", "4+"}


def test_report_files_for_a_person(report):
    _, out, folder = report
    md = (folder / "oasst_report.md").read_text()
    for part in (
        "# P[Love] on real reactions",
        "## Test report",
        "### By source",
        "### By emoji_record",
        "auroc_95ci_by_conversation_id",
        "Model minus length-only AUROC",
        "from sampling noise alone",
        "is below this test set's noise floor",
        "![roc](roc.png)",
    ):
        assert part in md, part
    assert f"**{out['chosen']}**" in md
    assert json.loads((folder / "oasst_report.json").read_text())["chosen"] == out["chosen"]
    for png in ("roc.png", "reliability.png"):
        assert (folder / png).read_bytes()[:4] == b"\x89PNG"
    assert (folder / "scorer").is_dir()


def test_report_logged_as_an_mlflow_run(report, tmp_path, monkeypatch):
    _, out, folder = report
    config = tmp_path / "rluf.yaml"
    config.write_text(f"storage:\n  home: {tmp_path / 'home'}\n")
    cfg = load_config(config)
    monkeypatch.setenv(
        "MLFLOW_TRACKING_URI", cfg.storage.mlflow_uri
    )  # configure() exports it: undone after the test
    run_id = log_to_mlflow(out, folder, cfg, "replies.parquet")
    run = mlflow.MlflowClient(tracking_uri=cfg.storage.mlflow_uri).get_run(run_id)
    assert run.data.metrics["test_model_auroc"] == pytest.approx(out["test"]["model"]["auroc"])
    assert run.data.metrics["test_length_only_auroc_ci_by_group_lo"] == pytest.approx(
        out["test"]["length_only"]["auroc_ci_by_group"]["lo"]
    )
    assert run.data.metrics[f"cv_{out['chosen']}_auroc"] == pytest.approx(
        out["cv"][out["chosen"]]["mean"]
    )
    assert run.data.metrics["cv_crowd_reference_auroc"] == pytest.approx(
        out["cv_reference"]["crowd_reference"]["mean"]
    )
    assert run.data.metrics["test_crowd_reference_auroc"] == pytest.approx(
        out["test"]["crowd_reference"]["auroc"]
    )
    assert run.data.params["reward_model.head"] == "logistic"
    assert run.data.tags["rluf.chosen"] == out["chosen"] and run.data.tags["rluf.code_version"]
    logged = {
        Path(a.path).name
        for a in mlflow.MlflowClient(tracking_uri=cfg.storage.mlflow_uri).list_artifacts(
            run_id, "oasst_report"
        )
    }
    assert logged == set(REPORT_FILES)


def test_crowd_reference_beside_the_model_never_chosen(report):
    _, out, folder = report
    assert out["references"] == ["crowd_reference"] and "crowd_reference" not in out["cv"]
    ref = out["test"]["crowd_reference"]
    assert ref["auroc_ci"]["lo"] < ref["auroc"] < ref["auroc_ci"]["hi"]
    assert (
        ref["auroc"] > out["test"]["length_only"]["auroc"]
    )  # the crowd's judgement carries more than length
    assert 0.6 < out["cv_reference"]["crowd_reference"]["mean"] < 0.75
    assert out["checks"]["beats_length_only"] == (  # decided by the model alone
        out["test"]["model"]["auroc"]
        > out["test"]["length_only"]["auroc"] + out["config"]["min_auroc_margin"]
    )
    md = (folder / "oasst_report.md").read_text()
    assert "| crowd_reference (reference) |" in md and "| crowd_reference |" in md
    assert (
        "is not a text model and is never chosen" in md
        and "Model AUROC / crowd_reference AUROC" in md
    )


def test_crowd_columns_scale_rank_and_keep_missing_labels_missing():
    src = pd.read_parquet(SOURCE)
    cols = crowd_columns(src)
    assert cols["crowd_rank"].dropna().between(0, 1).all()
    en100 = src["source"] == "oasst_en100_early_export"
    assert (
        cols.loc[en100, "crowd_quality"].isna().all()
        and cols.loc[~en100, "crowd_quality"].notna().mean() > 0.99
    )
    assert (
        crowd_columns(src.drop(columns=["rank", "label_quality"]))[["crowd_rank", "crowd_quality"]]
        .isna()
        .all()
        .all()
    )
    dev = load_oasst(SOURCE).query("oasst_split == 'dev'")
    p = CrowdReference().fit(dev).predict(dev)
    assert p.shape == (len(dev),) and np.isfinite(p).all() and 0 < p.min() < p.max() < 1
    with pytest.raises(
        ValueError, match=r"crowd reference: rows lack column\(s\) \['crowd_rank'\]"
    ):
        CrowdReference().fit(dev.drop(columns=["crowd_rank"]))
