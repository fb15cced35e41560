"""The wide part of P[Love]: hashed words, a weighted logistic model, the mixing weight chosen on validation."""

from __future__ import annotations

import numpy as np

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.models.wide import WideText, choose_mix, mix
from rluf_core.reward.reports.metrics import binary_metrics
from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.synthetic import make_feedback
from rluf_core.reward.training.train import train_reward_model


def _words_data(n=3000, seed=0):
    """Love depends on one word the response holds (what a word model sees directly)."""
    rng = np.random.default_rng(seed)
    good = rng.random(n) < 0.3
    responses = [
        ("thanks, here is the recipe step by step" if g else "here is something")
        + f" {rng.integers(0, 50)}"
        for g in good
    ]
    y = (rng.random(n) < np.where(good, 0.3, 0.03)).astype(int)
    return [""] * n, responses, y, good


def test_wide_learns_words_and_round_trips():
    prompts, responses, y, good = _words_data()
    w = WideText(n_features=2**12, C=1.0).fit(prompts, responses, y)
    z = w.logits(prompts, responses)
    assert binary_metrics(y, 1 / (1 + np.exp(-z)))["auroc"] > 0.75
    assert z[good].mean() > z[~good].mean() + 1.0
    back = WideText.restore(w.meta(), w.tensors())
    np.testing.assert_allclose(back.logits(prompts, responses), z, rtol=1e-6)
    # sample weights count: weighting positives up raises every logit's level (the prior), not the ranking
    zw = (
        WideText(n_features=2**12)
        .fit(prompts, responses, y, np.where(y == 1, 5.0, 1.0))
        .logits(prompts, responses)
    )
    assert zw.mean() > z.mean() + 0.5


def test_choose_mix_keeps_the_head_when_the_wide_model_is_noise_and_mixes_when_it_helps():
    rng = np.random.default_rng(1)
    y = (rng.random(4000) < 0.1).astype(int)
    signal_a, signal_b = y + rng.normal(0, 1, 4000), y + rng.normal(0, 1, 4000)
    weight, grid = choose_mix(signal_a, rng.normal(0, 1, 4000), y)
    assert weight <= 0.1 and grid[0.0] >= grid[1.0]
    weight, grid = choose_mix(signal_a, signal_b, y)  # two independent views: the mix beats either
    assert 0.3 <= weight <= 0.7 and grid[weight] > max(grid[0.0], grid[1.0])
    np.testing.assert_allclose(mix([1.0, 2.0], [3.0, 0.0], 0.25), [1.5, 1.5])


def test_scorer_with_wide_model_saves_reloads_and_can_be_switched_off(tmp_path):
    df, _ = make_feedback(2000, seed=5)
    rm = RewardModelConfig(
        backbone="tiny", epochs=1, max_length=32, batch_size=64, bootstrap=0, wide_features=2**12
    )
    res = train_reward_model(df, rm, tmp_path / "w", seed=0)
    meta = res.scorer.meta["wide"]
    assert 0.0 <= meta["weight"] <= 1.0 and res.summary["wide_weight"] == meta["weight"]
    assert {"validation_auroc_head", "validation_auroc_wide", "validation_auroc_mixed"} <= set(
        res.summary
    )
    assert (
        res.summary["validation_auroc_mixed"]
        >= max(res.summary["validation_auroc_head"], res.summary["validation_auroc_wide"]) - 1e-9
    )
    assert (res.scorer_dir / "wide.safetensors").exists()
    loaded = PLoveScorer.load(res.scorer_dir)
    rows = df[df["split"] == "test"].head(30)
    args = rows["context"].tolist(), rows["prompt"].tolist(), rows["response"].tolist()
    np.testing.assert_allclose(loaded.score(*args), res.scorer.score(*args), rtol=1e-5)
    off = train_reward_model(df, rm.model_copy(update={"wide": False}), tmp_path / "off", seed=0)
    assert (
        off.scorer.wide is None
        and "wide" not in off.scorer.meta
        and not (off.scorer_dir / "wide.safetensors").exists()
    )
