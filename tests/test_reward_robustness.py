"""What the reward model does with damaged folders, stale checkpoints and awkward inputs."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.embed import EmbeddingCache, TextEncoder
from rluf_core.reward.models import backbone as bb
from rluf_core.reward.reports.metrics import binary_metrics
from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.rows import check_frame
from rluf_core.reward.training.sampling import rebalance
from rluf_core.reward.training.synthetic import make_feedback
from rluf_core.reward.training.train import train_reward_model

RM = RewardModelConfig(backbone="tiny", epochs=1, max_length=32, batch_size=64)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    work = tmp_path_factory.mktemp("reward")
    df, _ = make_feedback(1200, seed=1)
    return df, work, train_reward_model(df, RM, work / "w", seed=0)


def test_damaged_scorer_folders_are_refused_naming_the_file(trained, tmp_path):
    _, _, res = trained

    def damaged(name, mutate):
        d = tmp_path / name
        shutil.copytree(res.scorer_dir, d)
        mutate(d)
        return d

    no_tok = damaged("no_tok", lambda d: (d / "encoder" / "tokenizer.json").unlink())
    with pytest.raises(FileNotFoundError, match=r"encoder/tokenizer\.json: missing"):
        PLoveScorer.load(no_tok)
    cut = damaged(
        "cut",
        lambda d: (d / "head.safetensors").write_bytes((d / "head.safetensors").read_bytes()[:100]),
    )
    with pytest.raises(ValueError, match=r"head\.safetensors: differs from what was saved"):
        PLoveScorer.load(cut)

    def edit(key, value):
        def f(d):
            meta = json.loads((d / "scorer.json").read_text())
            meta[key] = value
            (d / "scorer.json").write_text(json.dumps(meta))

        return f

    with pytest.raises(ValueError, match="format_version 99; this release reads"):
        PLoveScorer.load(damaged("future", edit("format_version", 99)))
    with pytest.raises(ValueError, match="method 'bogus' is not one of"):
        PLoveScorer.load(damaged("bogus", edit("method", "bogus")))
    junk = damaged("junk", lambda d: (d / "scorer.json").write_text("{not json"))
    with pytest.raises(ValueError, match=r"scorer\.json: not valid JSON"):
        PLoveScorer.load(junk)


def test_changed_texts_do_not_resume_a_stale_checkpoint(trained):
    df, work, res = trained
    changed = df.assign(response=df["response"].sample(frac=1.0, random_state=0).to_numpy())
    again = train_reward_model(changed, RM, work / "w", seed=0)
    assert again.summary["fingerprint"] != res.summary["fingerprint"]
    assert again.summary["resumed_from_step"] == 0


def test_missing_texts_score_as_empty_everywhere(trained):
    _, _, res = trained
    s = res.scorer
    empty = s.score(None, [""], [""])
    for missing in (None, np.nan, pd.NA):
        np.testing.assert_allclose(s.score(None, [missing], [missing]), empty)
    assert s.score(None, ["q"], ["nan"])[0] != pytest.approx(empty[0])  # the text "nan" is text
    lone = s.score(None, ["q"], ["nice \ud83d reply"])  # a lone surrogate from a JSON escape
    np.testing.assert_allclose(lone, s.score(None, ["q"], ["nice \ufffd reply"]))
    ctx = [{"role": "user", "text": "hi"}, {"role": "assistant", "text": "hello"}]
    np.testing.assert_allclose(
        s.score([np.array(ctx, dtype=object)], ["q"], ["a"]), s.score([ctx], ["q"], ["a"])
    )
    with pytest.raises(ValueError, match="differ in length"):
        s.score(None, ["q"], [])


def test_embedding_cache_is_keyed_by_the_weights(tmp_path):
    texts = ["one reply.", "another reply here."]
    a = TextEncoder("tiny", 32, 8, "cpu", cache_dir=tmp_path, seed=0).encode(texts)
    b = TextEncoder("tiny", 32, 8, "cpu", cache_dir=tmp_path, seed=1).encode(texts)
    fresh = TextEncoder("tiny", 32, 8, "cpu", seed=1).encode(texts)
    assert not np.allclose(a, b)
    np.testing.assert_allclose(b, fresh)
    assert bb.backbone_id("tiny", 0) != bb.backbone_id("tiny", 1)


@pytest.mark.parametrize("chunking", ["none", "sentence"])
def test_bounded_embedding_cache_stays_bounded_and_embeds_the_same(chunking):
    texts = [f"Reply number {i}. It has a second sentence {i % 7}." for i in range(60)]
    full = TextEncoder("tiny", 32, 8, "cpu", chunking=chunking).encode(texts)
    small = TextEncoder("tiny", 32, 8, "cpu", chunking=chunking, cache_entries=5)
    np.testing.assert_allclose(
        small.encode(texts), full, rtol=1e-6
    )  # more units than the cache holds, in one call
    assert len(small.cache.index) == 5
    np.testing.assert_allclose(small.encode(texts[::-1]), full[::-1], rtol=1e-6)
    assert len(small.cache.index) == 5
    with ThreadPoolExecutor(
        4
    ) as pool:  # a server's threads sharing one scorer: every call gets its own vectors
        outs = list(pool.map(lambda k: small.encode(texts[k::4]), range(4)))
    for k, out in enumerate(outs):
        np.testing.assert_allclose(out, full[k::4], rtol=1e-6)


def test_embedding_cache_drops_the_least_recently_used():
    cache = EmbeddingCache(None, max_entries=2)
    vec = np.zeros((1, 3), np.float32)
    cache.put([b"a"], vec)
    cache.put([b"b"], vec)
    assert cache.get(b"a") is not None  # a is now the most recently used
    cache.put([b"c"], vec)
    assert list(cache.index) == [b"a", b"c"]
    with pytest.raises(ValueError, match="max_entries"):
        EmbeddingCache(None, max_entries=-1)


def test_a_loaded_scorer_keeps_a_bounded_cache(trained):
    df, _, res = trained
    s = PLoveScorer.load(res.scorer_dir, cache_entries=20)
    p = s.score(None, df["prompt"][:200], df["response"][:200])
    assert len(s.encoder.cache.index) <= 20
    np.testing.assert_allclose(
        p,
        PLoveScorer.load(res.scorer_dir, cache_entries=None).score(
            None, df["prompt"][:200], df["response"][:200]
        ),
        rtol=1e-5,
    )


def test_weights_that_cannot_train_are_refused():
    df, _ = make_feedback(400, seed=3)
    with pytest.raises(ValueError, match="row 0: weight must be a finite number"):
        check_frame(df.assign(weight=np.inf))
    y = df["label"].to_numpy()
    with pytest.raises(ValueError, match="positive training rows carry no weight"):
        rebalance(y, np.where(y == 1, 0.0, 1.0), 0.1, "upsample_positives")


def test_ranking_metrics_see_scores_closer_than_any_clip():
    y = np.array([0, 1, 0, 1])
    p = np.array([1e-12, 1e-10, 1e-9, 0.9])
    m = binary_metrics(y, p)
    assert m["auroc"] == pytest.approx(0.75) and m["pr_auc"] == pytest.approx(5 / 6)
    with pytest.raises(ValueError, match="1 of 4 scores are not finite"):
        binary_metrics(y, np.array([0.1, np.nan, 0.2, 0.3]))


def test_ece_keeps_tied_scores_in_one_bin_whatever_the_row_order():
    from rluf_core.reward.reports.metrics import ece, reliability

    rng = np.random.default_rng(0)
    y = np.r_[np.ones(68), np.zeros(274)]
    p = np.round(
        rng.uniform(0.1, 0.3, len(y)), 2
    )  # few distinct scores, as isotonic calibration gives
    values = {
        round(ece(y[o], p[o]), 12)
        for o in (
            np.arange(len(y)),
            np.argsort(y, kind="stable"),
            np.argsort(-y, kind="stable"),
            rng.permutation(len(y)),
        )
    }
    assert len(values) == 1
    const = np.full(len(y), y.mean())
    assert ece(y, const) == pytest.approx(0.0) and len(reliability(y, const)) == 1
