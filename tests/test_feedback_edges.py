"""feedback_dataset and user_reputation at the edges: nothing left, no reactions, no window, shuffled rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import hstack

from rluf_core.adversarial.reputation import build_user_reputation
from rluf_core.adversarial.synthetic import Scenario, generate, write_lake
from rluf_core.config import parse_config
from rluf_core.feedback import build_feedback_dataset
from rluf_core.feedback.markdown import markdown
from rluf_core.lake import Lake


def _labeled(n_days: int = 2, per_day: int = 20, user: str | None = None) -> pd.DataFrame:
    rows = [
        {
            "turn_id": f"t{d}-{i}",
            "conversation_id": f"c{d}-{i // 2}",
            "user_id": user or f"u{i % 5}",
            "ts": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=d, minutes=i),
            "prompt": "p",
            "response": "r",
            "context": "[]",
            "policy_version": "v",
            "lang": "en",
            "surface": "app",
            "topic": "chat",
            "response_chars": 1,
            "label": int(i % 3 == 0),
            "label_window_complete": True,
        }
        for d in range(n_days)
        for i in range(per_day)
    ]
    return pd.DataFrame(rows)


def _rep(**posteriors) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": ["u1"],
            "flagged": [False],
            "kind": [""],
            "reason": [""],
            "reputation": [1.0],
            **{k: [v] for k, v in posteriors.items()},
        }
    )


def test_nothing_left_after_the_filters_is_an_empty_dataset_with_its_report():
    cfg = parse_config({})
    for labeled in (_labeled().assign(label_window_complete=False), _labeled().iloc[:0]):
        df, report = build_feedback_dataset(
            labeled, _rep(troll_posterior=0.3, coord_posterior=0.1), cfg
        )
        assert len(df) == 0 and report["output_rows"] == 0
        assert report["removed"]["incomplete_label_window"]["rows"] == len(labeled)
        assert "# feedback_dataset" in markdown(report)


def test_undefined_shares_read_n_a_in_the_markdown():
    cfg = parse_config({})
    _, report = build_feedback_dataset(_labeled(), _rep(), cfg)
    zero = {"precision": None, "recall": None, "true": 0, "flagged_as": {}}
    report["evaluation"] = {
        "users": {
            **{k: dict(zero) for k in ("bot", "brigade", "troll")},
            "honest_flagged": 0,
            "honest_flagged_share": None,
        },
        "labels": {
            **{k: dict(zero) for k in ("bot", "brigade", "troll")},
            "adversarial_positive_share_before": None,
            "adversarial_positive_share_after": None,
            "adversarial_positive_weight_share_after": None,
        },
    }
    text = markdown(report)
    assert (
        "Honest reacting users flagged: 0 (n/a)" in text
        and "n/a before, n/a after (n/a by weight)" in text
    )


def test_posterior_weight_removed_is_the_weight_the_rows_lost():
    labeled = _labeled(n_days=1, per_day=10, user="u1")
    cfg = parse_config({"adversarial": {"max_labels_per_user_per_day": 1000}})
    df, report = build_feedback_dataset(
        labeled, _rep(troll_posterior=0.4, coord_posterior=0.4), cfg
    )
    lost = len(df) - df["weight"].sum()
    assert np.allclose(df["weight"], 0.36)
    reported = (
        report["downweighted_troll_posterior"]["weight_removed"]
        + report["downweighted_coordinated_posterior"]["weight_removed"]
    )
    assert reported == pytest.approx(lost, abs=1e-3) == pytest.approx(6.4)


def test_the_seeded_cap_keeps_the_same_rows_however_they_arrive():
    cfg = parse_config({"adversarial": {"max_labels_per_user_per_day": 2, "cap_mode": "sample"}})
    labeled = _labeled(n_days=3, per_day=30)
    a, _ = build_feedback_dataset(labeled, _rep(), cfg)
    b, _ = build_feedback_dataset(
        labeled.sample(frac=1.0, random_state=1).reset_index(drop=True), _rep(), cfg
    )
    assert len(a) == 3 * 5 * 2 and set(a["turn_id"]) == set(b["turn_id"])


@pytest.fixture(scope="module")
def synthetic():
    return generate(
        Scenario(
            days=3,
            turns_per_day=400,
            n_honest=200,
            n_bots=3,
            n_brigades=1,
            brigade_size=4,
            n_trolls=3,
            seed=3,
        )
    )


def test_reputation_on_a_day_without_reactions_and_as_of_a_day_without_data(tmp_path, synthetic):
    cfg = parse_config({"adversarial": {"trailing_days": 3, "recent_days": 2}})
    lake = Lake(str(tmp_path / "lake"))
    rx = synthetic["clean_reactions"]
    last = "2026-01-03"
    write_lake(lake, {**synthetic, "clean_reactions": rx[rx["ts"].dt.strftime("%Y-%m-%d") != last]})
    rep, _ = build_user_reputation(lake, cfg, last)  # served turns, no reactions that day
    assert len(rep) > 0 and rep["flagged"].sum() > 0
    assert (
        len(build_user_reputation(lake, cfg, "2025-12-01")[0]) == 0
    )  # a window holding no data at all
    assert (
        len(build_user_reputation(lake, cfg, "2026-01-05")[0]) > 0
    )  # recent days empty, the window not


def test_text_clusters_do_not_depend_on_row_order():
    from rluf_core.adversarial.quality import text_clusters

    cfg = parse_config({"adversarial": {"brigade": {"content_keys": ["topic", "cluster"]}}})
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 16)) + np.repeat(rng.normal(scale=3, size=(6, 16)), 100, axis=0)
    keys = np.array([f"t{i}" for i in range(600)])
    perm = rng.permutation(600)
    a = text_clusters(X, cfg, 7, keys)
    b = text_clusters(X[perm], cfg, 7, keys[perm])
    assert len(set(a)) > 1 and (a[perm] == b).all()


def test_quality_features_hash_each_distinct_text_once_and_equal_hashing_every_row():
    from rluf_core.adversarial.quality import QualityModel, _kind_crossed, _texts

    cfg = parse_config({})
    turns = pd.DataFrame(
        {
            "response": [
                "Great answer, thanks!",
                None,
                "Step 1: stir.",
                "Great answer, thanks!",
                "Step 1: stir.",
                "x" * 5000,
                "",
            ],
            "topic": ["chat", "chat", "cooking", "coding", None, "chat", "chat"],
        }
    )
    model = QualityModel(cfg.adversarial.quality)
    expected = hstack(
        [model.vec.transform(_texts(turns)), model.kind_vec.transform(_kind_crossed(turns))]
    )
    got = model.transform(turns)
    assert got.shape == expected.shape and abs(got - expected).max() == 0
    assert (
        got[0] != got[3]
    ).nnz > 0  # the same reply under another content kind crosses other words
