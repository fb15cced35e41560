"""A partition whose blocking checks failed is never used by a later run: labelling, user reputation
and the feedback dataset leave it out or refuse it (quality.gate_failed_partitions), and say why."""

import pytest

from rluf_core.adversarial.reputation import build_user_reputation
from rluf_core.adversarial.synthetic import Scenario, generate, write_lake
from rluf_core.config import parse_config
from rluf_core.feedback.report import run_feedback
from rluf_core.lake import Lake
from rluf_core.quality import QualityGateError, QualityResult, failed_days
from rluf_core.quality.daily import label_day
from rluf_core.quality.result import CheckOutcome
from rluf_core.quality.validate import store_result

DAYS = ["2026-01-01", "2026-01-02", "2026-01-03"]


@pytest.fixture(scope="module")
def synthetic():
    return generate(
        Scenario(
            days=3,
            turns_per_day=300,
            n_honest=150,
            n_bots=3,
            n_brigades=1,
            brigade_size=4,
            n_trolls=3,
            seed=5,
        )
    )


def _fail(lake: Lake, dataset: str, day: str) -> None:
    store_result(
        lake,
        dataset,
        QualityResult(
            dataset,
            day,
            [CheckOutcome("love_rate_vs_trailing", False, unexpected_count=1, element_count=1)],
        ),
    )


def _setup(tmp_path, synthetic, gate=True):
    cfg = parse_config(
        {
            "storage": {"home": str(tmp_path)},
            "quality": {"gate_failed_partitions": gate},
            "adversarial": {"trailing_days": 3, "recent_days": 2},
        }
    )
    lake = Lake(cfg.storage.lake)
    write_lake(lake, synthetic)
    return cfg, lake


def test_failed_days_reads_stored_results(tmp_path, synthetic):
    cfg, lake = _setup(tmp_path, synthetic)
    _fail(lake, "labeled_turns", DAYS[1])
    assert failed_days(lake, cfg, ("clean_turns", "labeled_turns"), DAYS) == [DAYS[1]]
    off = cfg.model_copy(
        update={"quality": cfg.quality.model_copy(update={"gate_failed_partitions": False})}
    )
    assert failed_days(lake, off, ("labeled_turns",), DAYS) == []


def test_feedback_dataset_leaves_out_a_failed_day(tmp_path, synthetic):
    cfg, lake = _setup(tmp_path, synthetic)
    before, _ = run_feedback(lake, cfg, write=False)
    _fail(lake, "labeled_turns", DAYS[1])
    df, report = run_feedback(lake, cfg, write=False)
    assert report["quality_failed_days"] == [DAYS[1]]
    assert DAYS[1] not in set(df["day"].astype(str)) and DAYS[1] in set(before["day"].astype(str))
    assert len(df) < len(before)


def test_reputation_refuses_a_failed_day_and_skips_it_in_the_window(tmp_path, synthetic):
    cfg, lake = _setup(tmp_path, synthetic)
    _fail(lake, "clean_reactions", DAYS[2])
    with pytest.raises(
        QualityGateError, match="clean_reactions partition 2026-01-03 failed its quality checks"
    ):
        build_user_reputation(lake, cfg, DAYS[2])
    _, summary = build_user_reputation(lake, cfg, "2026-01-04")
    assert DAYS[2] not in summary["days_computed"]


def test_relabelling_refuses_a_day_whose_clean_turns_failed(tmp_path, synthetic):
    cfg, lake = _setup(tmp_path, synthetic)
    _fail(lake, "clean_turns", DAYS[0])
    with pytest.raises(QualityGateError, match="clean_turns partition 2026-01-01"):
        label_day(lake, cfg, DAYS[0])
    cfg_off, _ = _setup(tmp_path / "off", synthetic, gate=False)
    _fail(Lake(cfg_off.storage.lake), "clean_turns", DAYS[0])
    assert len(label_day(Lake(cfg_off.storage.lake), cfg_off, DAYS[0])["labeled"]) > 0
