"""p_love_report (reward.report.evaluate_predictions): references that are not text models sit beside the model,
with intervals, and never decide the blocking check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.reports.report import evaluate_predictions


def _preds(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    chars = rng.integers(20, 2000, n)
    quality = rng.normal(size=n)
    p_true = 1 / (1 + np.exp(-(quality + 0.3 * np.log(chars / 300))))
    y = (rng.random(n) < p_true).astype(int)
    p_model = 1 / (
        1 + np.exp(-(0.5 * quality + rng.normal(scale=0.8, size=n) + 0.3 * np.log(chars / 300)))
    )
    split = np.where(np.arange(n) < n // 2, "validation", "test")
    preds = pd.DataFrame(
        dict(
            turn_id=[f"t{i}" for i in range(n)],
            split=split,
            label=y,
            weight=1.0,
            response_chars=chars,
            p_love=p_model,
        )
    )
    return preds, p_true


def test_reference_is_reported_with_intervals_but_not_checked():
    preds, p_true = _preds()
    test = preds[preds["split"] == "test"]
    refs = pd.DataFrame({"turn_id": test["turn_id"], "oracle": p_true[test.index]})
    rm = RewardModelConfig(bootstrap=200)
    with_ref = evaluate_predictions(preds, rm, references=refs)
    without = evaluate_predictions(preds, rm)
    m = with_ref.metrics
    assert m["references"] == ["oracle"] and without.metrics["references"] == []
    oracle, model = m["test"]["oracle"], m["test"]["model"]
    assert oracle["auroc"] > model["auroc"] > m["test"]["length_only"]["auroc"]
    ci = oracle["auroc_ci"]
    assert ci["lo"] < oracle["auroc"] < ci["hi"]
    assert (
        ci["diff_vs_first_lo"] < model["auroc"] - oracle["auroc"] < ci["diff_vs_first_hi"]
    )  # model minus oracle
    assert m["checks"] == without.metrics["checks"]  # a reference never decides the blocking check
    assert model == without.metrics["test"]["model"]
    assert "| oracle |" in with_ref.markdown
    assert (
        f"Model AUROC / oracle AUROC: {model['auroc'] / oracle['auroc']:.4f}" in with_ref.markdown
    )
    assert "model minus oracle, 95% interval" in with_ref.markdown


def test_reference_missing_test_rows_is_an_error():
    preds, p_true = _preds()
    test = preds[preds["split"] == "test"].iloc[5:]
    refs = pd.DataFrame({"turn_id": test["turn_id"], "oracle": p_true[test.index]})
    with pytest.raises(ValueError, match="references lack scores for 5 of 300 test rows"):
        evaluate_predictions(preds, RewardModelConfig(bootstrap=0), references=refs)
    with pytest.raises(ValueError, match=r"references named \['length_only'\] would replace"):
        evaluate_predictions(
            preds,
            RewardModelConfig(bootstrap=0),
            references=refs.rename(columns={"oracle": "length_only"}),
        )
