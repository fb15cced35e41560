"""Automation through Dagster's APIs: the weekly retraining's selection, schedule, drift_sensor."""

import datetime as dt

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from rluf_core.config.schedules import DriftConfig
from rluf_core.lake import Lake
from rluf_core.quality.drift import drift_verdict, topic_tvd
from rluf_dagster.resources import RlufResource

START = dt.date(2026, 1, 1)
TOPICS = ["coding", "cooking", "travel", "health"]


def _write_days(
    lake: Lake,
    n: int,
    love: float,
    shares=(0.25, 0.25, 0.25, 0.25),
    first: int = 0,
    rows: int = 600,
    seed: int = 0,
) -> list[str]:
    rng = np.random.default_rng(seed + first)
    days = []
    for i in range(first, first + n):
        day = (START + dt.timedelta(days=i)).isoformat()
        lake.write_dataset(
            "labeled_turns",
            pd.DataFrame(
                {
                    "turn_id": [f"{day}-{j}" for j in range(rows)],
                    "label": rng.random(rows) < love,
                    "topic": rng.choice(TOPICS, size=rows, p=list(shares)),
                }
            ),
            day,
        )
        days.append(day)
    return days


def test_retrain_selection_runs_every_group_after_the_training_set(rluf_home):
    from rluf_dagster.definitions import defs
    from rluf_dagster.defs.retraining import RETRAIN_SELECTION

    keys = {k.to_user_string() for k in RETRAIN_SELECTION.resolve(defs.resolve_asset_graph())}
    assert {
        "feedback_dataset",
        "p_love_model",
        "p_love_report",
        "champion_policy",
        "champion_p_love",
    } <= keys
    assert not keys & {"raw_turns", "clean_turns", "labeled_turns", "user_reputation"}
    assert {
        "base_policy",
        "helpfulness_model",
        "safety_judge",
        "policy_checkpoint",
        "offline_eval_report",
        "ab_test_report",
    } <= keys
    assert "policy_sweep" not in keys  # the weight table is its own job (weight_sweep_job)


def test_weekly_schedule_requests_the_retraining(rluf_home):
    from rluf_dagster.definitions import defs
    from rluf_dagster.resources import RlufResource

    sched = defs.resolve_schedule_def("weekly_retrain_schedule")
    assert sched.default_status == dg.DefaultScheduleStatus.RUNNING
    assert sched.job_name == "weekly_retrain_job"
    with dg.DagsterInstance.ephemeral() as instance:
        ctx = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=dt.datetime(2026, 1, 5, 3, tzinfo=dt.UTC),
            resources={"rluf": RlufResource()},
        )
        data = sched.evaluate_tick(ctx)
    # an empty lake has no labelled days: the tick skips with the reason instead of a failing run
    assert not data.run_requests and "labelled" in (data.skip_message or "")


def _tick(sensor, cursor=None):
    with dg.DagsterInstance.ephemeral() as instance:
        ctx = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"rluf": RlufResource()}
        )
        return sensor.evaluate_tick(ctx)


def test_drift_sensor_requests_retraining_once_per_drifted_day(rluf_home):
    from rluf_dagster.definitions import defs

    sensor = defs.resolve_sensor_def("drift_sensor")
    assert (
        sensor.default_status == dg.DefaultSensorStatus.RUNNING
        and sensor.job_name == "weekly_retrain_job"
    )
    lake = Lake(str(rluf_home / "lake"))
    assert "no new labelled day" in _tick(sensor).skip_message
    _write_days(lake, 7, love=0.05)
    steady = _write_days(lake, 3, love=0.05, first=7)
    data = _tick(sensor)
    assert (
        not data.run_requests and "within bounds" in data.skip_message and data.cursor == steady[-1]
    )
    assert "no new labelled day" in _tick(sensor, cursor=steady[-1]).skip_message
    loved = _write_days(lake, 3, love=0.15, first=10)  # recent 3 days: love tripled
    data = _tick(sensor, cursor=steady[-1])
    assert [r.run_key for r in data.run_requests] == [f"drift:{loved[-1]}"]
    assert "love rate" in data.run_requests[0].tags["rluf/drift"] and data.cursor == loved[-1]
    assert not _tick(sensor, cursor=loved[-1]).run_requests


def test_drift_verdict_numbers_and_topic_mix(tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    cfg = DriftConfig(
        recent_days=2, baseline_days=5, min_baseline_days=3, min_rows=500, topic_max_tvd=0.15
    )
    _write_days(lake, 2, love=0.05)
    assert "no verdict" in drift_verdict(lake, cfg)["reasons"][0]
    _write_days(lake, 3, love=0.05, first=2)
    _write_days(lake, 2, love=0.05, shares=(0.7, 0.1, 0.1, 0.1), first=5)
    v = drift_verdict(lake, cfg)
    assert v["drifted"] and v["baseline_days"] == [
        "2026-01-01",
        "2026-01-02",
        "2026-01-03",
        "2026-01-04",
        "2026-01-05",
    ]
    assert v["topic_tvd"] == pytest.approx(0.45, abs=0.04) and 0.6 < v["love_rate_ratio"] < 1.5
    assert [r.split(":")[0] for r in v["reasons"]] == ["topic mix moved"]
    assert topic_tvd(pd.Series(["a", "a"]), pd.Series(["b", "b"])) == 1.0
    assert topic_tvd(pd.Series(["a", "b"]), pd.Series(["b", "a"])) == 0.0
