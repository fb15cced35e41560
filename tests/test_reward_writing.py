"""The reward model's writing features (rluf_core/reward/features/writing.py) and the text-statistics subset."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.writing import WRITING_NAMES, writing_stats
from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.synthetic import make_feedback
from rluf_core.reward.training.train import train_reward_model


def test_writing_stats_count_misspellings_prompt_words_and_word_length():
    out = writing_stats(
        [
            "The answer is simple: water boils at one hundred degrees.",
            "teh anwser is simpel and wrong wrong",
            "Paris, London and NASA are names, not misspellings.",
            "",
        ],
        ["At what temperature does water boil?", "what is the answer", "name cities", None],
    )
    assert out.shape == (4, len(WRITING_NAMES)) and out.dtype == np.float32
    miss, overlap, word_len = out.T
    assert miss[0] == 0.0
    assert miss[1] == pytest.approx(
        np.log1p(100 * 3 / 6)
    )  # teh, anwser, simpel of 6 lower-case words of 3+ letters
    assert miss[2] == 0.0  # capitalised words are names, not misspellings
    assert overlap[0] == pytest.approx(2 / 6)  # water, at (of at what temperature does water boil)
    assert overlap[1] == pytest.approx(
        1 / 4
    )  # only 'is' of what, is, the, answer (misspelt words do not count)
    assert word_len[0] == pytest.approx(
        np.mean([len(w) for w in "The answer is simple water boils at one hundred degrees".split()])
    )
    assert out[3].tolist() == [0.0, 0.0, 0.0]  # empty response, no prompt


def test_writing_stats_name_the_problem():
    with pytest.raises(ValueError, match="differ in length"):
        writing_stats(["a"], [])
    with pytest.raises(ValueError, match="spelling_language"):
        writing_stats(["a"], ["b"], language="xx")


def test_text_stats_subset_is_validated():
    RewardModelConfig(text_stats=["log_chars", "log_depth"])
    with pytest.raises(ValidationError, match="unknown text statistic.*log_charz"):
        RewardModelConfig(text_stats=["log_charz"])
    with pytest.raises(ValidationError, match="empty list"):
        RewardModelConfig(text_stats=[])


def test_head_on_length_depth_and_writing_trains_and_reloads(tmp_path):
    """The OASST candidate's layout: two text statistics plus the writing features, no embeddings."""
    df, _ = make_feedback(1200, seed=5)
    rm = RewardModelConfig(
        backbone="tiny",
        head="logistic",
        epochs=2,
        max_length=32,
        batch_size=64,
        ensemble=1,
        embedding_features=False,
        relevance_features=False,
        wide=False,
        text_stats=["log_chars", "log_depth"],
        writing_features=True,
        bootstrap=0,
    )
    res = train_reward_model(df, rm, tmp_path / "w", seed=0)
    loaded = PLoveScorer.load(res.scorer_dir)
    assert loaded.meta["head_in_dim"] == 2 + len(WRITING_NAMES)
    rows = df[df["split"] == "test"].head(20)
    args = rows["context"].tolist(), rows["prompt"].tolist(), rows["response"].tolist()
    np.testing.assert_allclose(loaded.score(*args), res.scorer.score(*args), rtol=1e-5)


def test_scorer_trained_on_other_writing_features_is_refused(tmp_path):
    """A scorer saved by a release that computed the writing features otherwise must not score with these."""
    df, _ = make_feedback(600, seed=6)
    rm = RewardModelConfig(
        backbone="tiny",
        head="logistic",
        epochs=1,
        max_length=32,
        batch_size=64,
        ensemble=1,
        embedding_features=False,
        relevance_features=False,
        wide=False,
        text_stats=["log_chars"],
        writing_features=True,
        bootstrap=0,
    )
    res = train_reward_model(df, rm, tmp_path / "w", seed=0)
    meta_file = res.scorer_dir / "scorer.json"
    meta = json.loads(meta_file.read_text())
    assert meta["writing_names"] == list(WRITING_NAMES)
    del meta["writing_names"]  # as an earlier release saved it (plain misspelled share)
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(
        ValueError,
        match=r"scorer.json: trained on the writing features \['misspelled_share'.*retrain",
    ):
        PLoveScorer.load(res.scorer_dir)
