"""P[Love] building blocks: rebalancing, calibration that undoes the prior shift, metrics, the scorer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.text import parse_context, query_text, text_stats
from rluf_core.reward.models.calibration import Calibrator
from rluf_core.reward.reports.metrics import (
    binary_metrics,
    bootstrap_auroc,
    ece,
    ece_noise_floor,
    fit_length_baseline,
)
from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.rows import check_frame
from rluf_core.reward.training.sampling import rebalance, weighted_rate
from rluf_core.reward.training.synthetic import make_feedback
from rluf_core.reward.training.train import train_reward_model


@pytest.mark.parametrize("method", ["downsample_negatives", "upsample_positives", "class_weight"])
def test_rebalance_reaches_share_and_reports_prior(method):
    rng = np.random.default_rng(0)
    y = (rng.random(20000) < 0.03).astype(int)
    w = rng.uniform(0.5, 1.5, len(y))
    idx, wt, shift = rebalance(y, w, 0.10, method, seed=1)
    assert shift.natural_rate == pytest.approx(weighted_rate(y, w))
    assert shift.train_rate == pytest.approx(0.10, abs=0.005)
    assert weighted_rate(y[idx], wt) == pytest.approx(shift.train_rate)
    assert set(np.flatnonzero(y == 1)) <= set(idx)  # no positive is dropped
    if method == "downsample_negatives":
        assert len(idx) < len(y) / 2
    assert shift.logit_offset == pytest.approx(logit(shift.natural_rate) - logit(shift.train_rate))


def test_rebalance_noop_and_errors():
    y = np.array([0, 1] * 50)
    idx, w, shift = rebalance(y, np.ones(100), 0.1, "downsample_negatives")
    assert len(idx) == 100 and shift.train_rate == shift.natural_rate == 0.5
    with pytest.raises(ValueError, match="all 0"):
        rebalance(np.zeros(10, int), np.ones(10), 0.1, "class_weight")


def test_temperature_calibration_undoes_the_prior_shift():
    # a perfectly ranked, well-specified model trained at 10% positives, evaluated at the natural 2%
    rng = np.random.default_rng(0)
    z_true = rng.normal(-4.5, 1.5, 200_000)
    y = (rng.random(len(z_true)) < expit(z_true)).astype(int)
    natural, train = y.mean(), 0.10
    z_train = z_true - logit(natural) + logit(train)  # the logit the rebalanced model learned
    raw = expit(z_train)
    assert raw.mean() > 2.5 * natural  # uncorrected scores are far too high
    cal = Calibrator("temperature", prior_offset=float(logit(natural) - logit(train))).fit(
        z_train, y
    )
    p = cal(z_train)
    assert cal.temperature == pytest.approx(1.0, abs=0.05) and abs(cal.bias) < 0.05
    assert p.mean() == pytest.approx(natural, rel=0.05)
    assert ece(y, p) < 0.005
    iso = Calibrator("isotonic", prior_offset=cal.prior_offset).fit(z_train, y)
    assert ece(y, iso(z_train)) < 0.005
    assert Calibrator.from_dict(cal.to_dict())(z_train[:5]) == pytest.approx(p[:5])


@pytest.mark.parametrize("method", ["temperature", "isotonic"])
def test_calibration_is_not_fitted_on_a_handful_of_rows(method, caplog):
    # two separable validation rows: a fitted calibration runs to its bounds
    z, y = np.array([-1.0, 1.0]), np.array([0, 1])
    naive = Calibrator(method, prior_offset=-2.0, min_per_class=1).fit(z, y)
    assert naive.skipped is None
    if method == "temperature":
        assert naive.bias == pytest.approx(5.0)  # at its bound
    else:
        assert naive(z) == pytest.approx([1e-6, 1 - 1e-6])
    cal = Calibrator(method, prior_offset=-2.0).fit(z, y)  # default: 10 rows of each label
    assert cal.skipped.startswith("1 validation row(s) of the rarer label, fewer than 10")
    assert cal(z) == pytest.approx(expit(z - 2.0))  # the prior correction alone
    assert "calibration not fitted" in caplog.text
    again = Calibrator.from_dict(cal.to_dict())
    assert again.skipped == cal.skipped and again(z) == pytest.approx(cal(z))
    assert Calibrator.from_dict({"method": method, "prior_offset": 0.0})(z) == pytest.approx(
        expit(z)
    )  # older scorer.json


def test_metrics_on_known_values():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    m = binary_metrics(y, p, lengths=np.array([10, 20, 30, 40]))
    assert m["auroc"] == pytest.approx(0.75)
    assert m["brier"] == pytest.approx(np.mean((p - y) ** 2))
    # equal-mass bins of sorted scores: {0.1, 0.35} and {0.4, 0.8}, each with one positive
    assert ece(y, p, bins=2) == pytest.approx((abs(0.225 - 0.5) + abs(0.6 - 0.5)) / 2)
    assert ece(np.array([0, 1] * 500), np.full(1000, 0.5)) == pytest.approx(0.0, abs=0.01)
    base = fit_length_baseline(np.array([10, 20, 30, 40] * 20), np.array([0, 0, 1, 1] * 20))
    assert base([10])[0] < base([40])[0]


def test_ece_noise_floor_is_what_a_calibrated_score_shows():
    rng = np.random.default_rng(0)
    for n, lo, hi in (
        (500, 0.04, 0.09),
        (50_000, 0.004, 0.009),
    ):  # shrinks as 1 / sqrt(rows per bin)
        p = rng.uniform(0.2, 0.8, n)
        floor = ece_noise_floor(p, draws=100, seed=1)
        assert lo < floor < hi
        measured = [
            ece((rng.random(n) < p).astype(int), p) for _ in range(40)
        ]  # labels that p truly calibrates
        assert np.mean(measured) == pytest.approx(floor, rel=0.15)
    assert ece_noise_floor(np.full(1000, 0.3), draws=100) < ece_noise_floor(
        np.full(100, 0.3), draws=100
    )


def test_bootstrap_interval_contains_point_estimate():
    rng = np.random.default_rng(0)
    y = (rng.random(3000) < 0.2).astype(int)
    s = y + rng.normal(0, 1.2, len(y))
    ci = bootstrap_auroc(y, {"model": s, "noise": rng.random(len(y))}, n_boot=200, seed=0)
    auc = binary_metrics(y, expit(s))["auroc"]
    assert ci["model"]["lo"] < auc < ci["model"]["hi"]
    assert ci["noise"]["hi"] < ci["model"]["lo"]
    assert ci["noise"]["diff_vs_first_lo"] > 0
    grouped = bootstrap_auroc(y, {"model": s}, n_boot=100, groups=np.arange(len(y)) // 10)
    assert grouped["model"]["lo"] < auc < grouped["model"]["hi"]


def test_text_helpers_and_bad_context():
    assert query_text('[{"role": "user", "text": "hi"}]', "and?") == "user: hi\nuser: and?"
    assert query_text(None, "q", context_turns=0) == "user: q"
    with pytest.raises(ValueError, match="row 7: column 'context'"):
        parse_context("{not json", row=7)
    st = text_stats(["Bye! Sending love ❤️", "Plain answer."], ["q", "q"])
    assert st[0, 5] >= 1 and st[0, 4] >= 1 and st[1, 5] == 0


def test_check_frame_names_the_problem():
    df, _ = make_feedback(200)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['label'\]"):
        check_frame(df.drop(columns=["label"]))
    bad = df.copy()
    bad.loc[3, "label"] = 5
    with pytest.raises(ValueError, match="row 3: label must be 0/1"):
        check_frame(bad)
    with pytest.raises(ValueError, match="split == 'test'"):
        check_frame(df[df["split"] != "test"])


@pytest.mark.parametrize("method", ["head", "finetune"])
def test_tiny_model_trains_calibrates_saves_and_reloads(tmp_path, method):
    df, truth = make_feedback(2400, seed=1)
    rm = RewardModelConfig(
        backbone="tiny",
        method=method,
        epochs=2 if method == "head" else 1,
        max_length=48,
        batch_size=32,
        learning_rate=3e-3,
        finetune_learning_rate=5e-4,
        bootstrap=0,
    )
    res = train_reward_model(df, rm, tmp_path / "w", seed=0, cache_dir=tmp_path / "cache")
    test = res.predictions[res.predictions["split"] == "test"]
    assert len(test) == (df["split"] == "test").sum()
    m = binary_metrics(test["label"], test["p_love"])
    if (
        method == "head"
    ):  # one epoch of a random tiny transformer learns little; the head on features does
        assert m["auroc"] > 0.6
    assert abs(m["mean_score"] - m["rate"]) < 0.08  # calibrated to the natural rate
    assert (res.scorer_dir / "scorer.json").exists()
    assert any(res.scorer_dir.rglob("*.safetensors"))
    loaded = PLoveScorer.load(res.scorer_dir)
    rows = df[df["split"] == "test"].head(50)
    again = loaded.score(
        rows["context"].tolist(), rows["prompt"].tolist(), rows["response"].tolist()
    )
    ref = test.set_index("turn_id").loc[rows["turn_id"], "p_love"].to_numpy()
    np.testing.assert_allclose(again, ref, rtol=1e-4, atol=1e-6)
    assert loaded.score([], [], []).shape == (0,)


def test_same_seed_same_model(tmp_path):
    df, _ = make_feedback(1500, seed=2)
    rm = RewardModelConfig(backbone="tiny", epochs=1, max_length=32, batch_size=64)
    a = train_reward_model(df, rm, tmp_path / "a", seed=3).predictions["p_love"]
    b = train_reward_model(df, rm, tmp_path / "b", seed=3).predictions["p_love"]
    pd.testing.assert_series_equal(a, b)


def test_single_head_without_counts_still_trains_and_reloads(tmp_path):
    """The layout of scorers saved before ensembles and relevance counts (ensemble=1, no counts)."""
    df, _ = make_feedback(1500, seed=4)
    rm = RewardModelConfig(
        backbone="tiny", epochs=1, max_length=32, batch_size=64, ensemble=1, relevance_counts=False
    )
    res = train_reward_model(df, rm, tmp_path / "w", seed=0)
    loaded = PLoveScorer.load(res.scorer_dir)
    assert loaded.head.members == 1 and loaded.meta["head_in_dim"] == res.scorer.meta["head_in_dim"]
    rows = df[df["split"] == "test"].head(20)
    np.testing.assert_allclose(
        loaded.score(rows["context"].tolist(), rows["prompt"].tolist(), rows["response"].tolist()),
        res.scorer.score(
            rows["context"].tolist(), rows["prompt"].tolist(), rows["response"].tolist()
        ),
        rtol=1e-5,
    )


def test_ensemble_head_averages_independently_trained_members():
    import torch

    from rluf_core.reward.models.head import Head
    from rluf_core.reward.training.loop import train_loop

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 5)).astype(np.float32)
    y = (x[:, 0] + 0.3 * rng.normal(size=600) > 0).astype(int)
    torch.manual_seed(0)
    head = Head(5, "mlp", 8, 0.1, members=3)
    head.set_normalisation(x)
    xt = torch.as_tensor(x)
    out = train_loop(
        head,
        lambda i: head.member_logits(xt[i]),
        y,
        np.ones(len(y)),
        epochs=3,
        batch_size=64,
        lr=1e-2,
        seed=0,
    )
    assert out["finished"]
    with torch.no_grad():
        members = head.member_logits(xt)
    assert members.shape == (600, 3) and not torch.allclose(
        members[:, 0], members[:, 1]
    )  # own init/dropout
    np.testing.assert_allclose(
        head.predict_logits(x), members.mean(1).numpy(), rtol=1e-5, atol=1e-6
    )
    assert binary_metrics(y, 1 / (1 + np.exp(-head.predict_logits(x))))["auroc"] > 0.9
