"""The policy's inputs fail before training with one line: ratings, base policy, scorers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rluf_core.config import parse_config
from rluf_core.config.policy import HelpfulnessSettings
from rluf_core.ingest.ratings import RatingsError, read_ratings
from rluf_core.jobs.policy_inputs import find_inputs
from rluf_core.lake import Lake
from rluf_core.policy.helpfulness import rating_frame
from rluf_core.simulation.ratings import generate_ratings


def _ratings(lake: Lake, day: str, df: pd.DataFrame) -> None:
    path = f"{lake.landing_dir('ratings', day)}/part-0.parquet"
    lake.fs.makedirs(lake.landing_dir("ratings", day), exist_ok=True)
    df.to_parquet(path)


def _row(i: int, score: object = 3, day: str = "2026-01-01") -> dict:
    return {
        "rating_id": f"r{i}",
        "turn_id": f"t{i}",
        "annotator_id": "a1",
        "ts": pd.Timestamp(day, tz="UTC"),
        "helpfulness": score,
    }


def test_a_score_off_the_scale_is_named_with_its_file_and_row(tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    _ratings(lake, "2026-01-01", pd.DataFrame([_row(0), _row(1, 9)]))
    with pytest.raises(
        RatingsError, match=r"part-0.parquet: row 1: helpfulness 9 is not an integer 1..5"
    ):
        read_ratings(lake)
    _ratings(lake, "2026-01-01", pd.DataFrame([_row(0)]).drop(columns=["annotator_id"]))
    with pytest.raises(RatingsError, match=r"missing column\(s\) \['annotator_id'\]"):
        read_ratings(lake)


def test_no_ratings_says_how_to_go_on(tmp_path):
    with pytest.raises(RatingsError, match="policy.helpfulness.model"):
        read_ratings(Lake(str(tmp_path / "lake")))


def test_too_few_ratings_or_days_fail_before_training():
    turns = pd.DataFrame(
        {"turn_id": [f"t{i}" for i in range(300)], "prompt": "q", "response": "a", "context": None}
    )
    one_day = pd.DataFrame([_row(i) for i in range(300)]).assign(day="2026-01-01")
    with pytest.raises(ValueError, match="time split needs 3"):
        rating_frame(one_day, turns, HelpfulnessSettings())
    with pytest.raises(ValueError, match="needs at least 200"):
        rating_frame(one_day.head(50), turns, HelpfulnessSettings())
    days = one_day.assign(day=[f"2026-01-0{1 + i % 3}" for i in range(300)])
    frame = rating_frame(days, turns, HelpfulnessSettings())
    assert set(frame["split"]) == {"train", "validation", "test"}
    assert frame["label"].sum() == 0 and frame["turn_id"].is_unique  # rated 3 < helpful_at 4


def test_simulated_ratings_follow_true_helpfulness():
    cfg = parse_config({})
    turns = pd.DataFrame(
        {
            "turn_id": [f"t{i}" for i in range(4000)],
            "helpfulness": [i / 4000 for i in range(4000)],
            "ts_ms": 0,
        }
    )
    tab = generate_ratings(
        turns, cfg.source.simulator.model_copy(update={"rating_rate": 0.5}), dt.date(2026, 1, 1)
    ).to_pandas()
    assert 1800 < len(tab) < 2200 and tab["helpfulness"].between(1, 5).all()
    merged = tab.merge(turns, on="turn_id", suffixes=("", "_true"))
    assert merged["helpfulness"].corr(merged["helpfulness_true"], method="spearman") > 0.7


def test_missing_upstream_reports_name_the_asset(tmp_path, monkeypatch):
    monkeypatch.setenv("RLUF_HOME", str(tmp_path / "home"))
    cfg = parse_config({"storage": {"home": str(tmp_path / "home")}})
    with pytest.raises(
        SystemExit, match="base_policy.json: missing; materialise base_policy first"
    ):
        find_inputs(cfg)
    lake = Lake(cfg.storage.lake)
    lake.write_report("base_policy", {"policy_dir": str(tmp_path / "nowhere")})
    lake.write_report("p_love_model", {"scorer_dir": str(tmp_path)})
    lake.write_report("helpfulness_model", {"scorer_dir": str(tmp_path)})
    with pytest.raises(SystemExit, match="base policy .* does not exist"):
        find_inputs(cfg)
