"""The demo's fast path (daily runs without the reputation its refresh recomputes, hashed texts kept
per day) leaves the same lake, bit for bit, as the production order computed from scratch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from rluf_core.adversarial import feature_cache
from rluf_core.adversarial.feature_cache import FEATURES_DATASET, HashedRows, add_table, to_table
from rluf_core.adversarial.quality import QualityModel
from rluf_core.adversarial.reputation import build_user_reputation
from rluf_core.cleaning.labels import reaction_days_needed
from rluf_core.config import parse_config
from rluf_core.feedback.report import run_feedback
from rluf_core.quality import daily as steps
from rluf_core.reward.reports import robustness
from rluf_core.simulation import simulate
from tests.conftest import small_daily_scenario

COMPARED = [
    "user_reputation",
    "user_daily_stats",
    "user_coreaction_daily",
    "coordinated_reactions",
    "quality_fit_sample",
    "labeled_turns",
]


def _same_csr(a, b) -> None:
    a, b = a.tocsr(), b.tocsr()
    assert a.shape == b.shape
    for x, y in ((a.indptr, b.indptr), (a.indices, b.indices), (a.data, b.data)):
        np.testing.assert_array_equal(x, y)


def test_cached_features_are_the_hashed_rows_bit_for_bit():
    cfg = parse_config({}).adversarial.quality
    texts = ["a good answer.", "a bad one", "a good answer.", "", None, "loop in python"]
    turns = pd.DataFrame(
        {"response": texts, "topic": ["coding", "chat", "chat", "chat", None, "coding"]}
    )
    plain = QualityModel(cfg).transform(turns)
    cache = HashedRows(cfg.n_features, cfg.n_features)
    _same_csr(QualityModel(cfg, cache=cache).transform(turns.iloc[:3]), plain[:3])
    assert (
        len(cache["plain"]) == 2 and len(cache["kind"]) == 3
    )  # distinct texts / (text, topic) pairs
    # stored and read back (a later day's fit), then the rest hashed into the same cache
    again = HashedRows(cfg.n_features, cfg.n_features)
    add_table(again, to_table(cache))
    _same_csr(QualityModel(cfg, cache=again).transform(turns), plain)
    _same_csr(QualityModel(cfg, cache=again).hash_words(turns), QualityModel(cfg).hash_words(turns))


def _demo_order(cfg) -> None:
    """rluf demo's day loop: the day's runs without user_reputation when relabel + refresh
    follow."""
    simulate(cfg, progress=False)
    lake = robustness.Lake(cfg.storage.lake)
    days = lake.landing_days("turns")
    lag = len(reaction_days_needed(days[0], cfg.labels)) - 1
    for i, d in enumerate(days, 1):
        for kind in ("turns", "reactions"):
            steps.ingest_day(lake, kind, d)
        steps.clean_turns_day(lake, cfg, d)
        steps.clean_reactions_day(lake, cfg, d)
        steps.label_day(lake, cfg, d)
        if i > lag:
            steps.label_day(lake, cfg, days[i - 1 - lag])
            build_user_reputation(lake, cfg, days[i - 1 - lag])
        build_user_reputation(lake, cfg, d)


def _compare(a, b) -> None:
    for name in COMPARED:
        days = a.dataset_days(name)
        assert days and days == b.dataset_days(name), name
        for d in days:
            pdt.assert_frame_equal(
                a.read_dataset(name, [d]),
                b.read_dataset(name, [d]),
                check_exact=True,
                obj=f"{name} {d}",
            )


@pytest.mark.slow
@pytest.mark.xdist_group("daily_flow_lake")
def test_fast_path_equals_a_from_scratch_recompute(tmp_path, daily_flow_lake):
    scratch, ref = daily_flow_lake  # the production order from scratch (conftest)
    fast = small_daily_scenario(tmp_path / "fast")
    _demo_order(fast)
    lake = robustness.Lake(fast.storage.lake)
    assert lake.dataset_days(FEATURES_DATASET) == lake.dataset_days("labeled_turns")
    _compare(lake, ref)
    df_fast, rep_fast = run_feedback(lake, fast)
    df_ref, rep_ref = run_feedback(ref, scratch)
    pdt.assert_frame_equal(df_fast, df_ref, check_exact=True)
    assert rep_fast["removed"] == rep_ref["removed"] and rep_fast["splits"] == rep_ref["splits"]


@pytest.mark.parametrize("missing", [[], ["kind"]])
def test_a_day_file_keeps_its_rows_when_rewritten(tmp_path, missing):
    lake = robustness.Lake(str(tmp_path / "lake"))
    cfg = parse_config({}).adversarial.quality
    turns = pd.DataFrame({"response": ["x y", "y z"], "topic": ["a", "b"]})
    c = HashedRows(cfg.n_features, cfg.n_features)
    QualityModel(cfg, cache=c).transform(turns)
    feature_cache.store_rows(lake, "2026-01-01", c)
    again = feature_cache.load_rows(lake, ["2026-01-01"], "2026-01-01", cfg.n_features)
    assert (
        len(again["plain"].added) == 2 and len(again["kind"].added) == 2
    )  # the day's own rows are rewritten
    other = feature_cache.load_rows(lake, ["2026-01-01"], "2026-01-02", cfg.n_features)
    assert feature_cache.store_rows(lake, "2026-01-02", other) == 0 and not lake.has_dataset(
        FEATURES_DATASET, "2026-01-02"
    )
