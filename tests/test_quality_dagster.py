"""In-process Dagster: blocking checks stop downstream assets; later runs refuse failed days; sensor."""

from __future__ import annotations

import json

import dagster as dg
import pytest
import yaml

from rluf_core.lake import Lake
from rluf_dagster.defs import clean, ingest
from rluf_dagster.resources import RlufResource
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_landing

DAY = "2026-01-03"
ASSETS = [
    ingest.raw_turns,
    ingest.raw_reactions,
    clean.clean_turns,
    clean.clean_reactions,
    clean.labeled_turns,
    clean.quarantine,
]


@pytest.fixture()
def env(tmp_path):
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump({"storage": {"home": str(tmp_path / "home")}}))
    res = RlufResource(config_path=str(path))
    return res, Lake(res.config.storage.lake)


def _run(res, day, selection=None):
    return dg.materialize(
        [*ASSETS, *ingest.raw_checks, *clean.clean_checks],
        partition_key=day,
        resources={"rluf": res},
        raise_on_error=False,
        selection=selection,
    )


def _land(lake, day, drop=()):
    t = make_turns(day, 60)
    write_landing(lake, "turns", day, t.drop(columns=list(drop)))
    write_landing(
        lake,
        "reactions",
        day,
        reactions_frame(
            [reaction(f"e{i}", t.iloc[i]) for i in range(0, 60, 4)] + [reaction("e0", t.iloc[0])]
        ),
    )


def _materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_good_partition_materialises_everything_with_reconciliation(env):
    res, lake = env
    _land(lake, DAY)
    result = _run(res, DAY)
    assert result.success
    assert _materialized(result) == {a.key.to_user_string() for a in ASSETS}
    evals = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evals) == {
        "raw_turns_quality",
        "raw_reactions_quality",
        "clean_turns_quality",
        "clean_reactions_quality",
        "labeled_turns_quality",
        "reconciliation",
    }
    assert all(e.passed for e in evals.values())
    mats = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    rec = mats["clean_reactions"]["reconciliation"].value
    assert (
        rec["input_rows"] == 16
        and rec["clean"] == 15
        and rec["duplicates_collapsed"] == 1
        and rec["balanced"]
    )
    assert mats["quarantine"]["reconciled"].value is True


def test_broken_schema_blocks_downstream_and_later_runs(env):
    res, lake = env
    _land(lake, DAY, drop=("user_id",))
    result = _run(res, DAY)
    done = _materialized(result)
    assert "raw_turns" in done and not done & {
        "clean_turns",
        "clean_reactions",
        "labeled_turns",
        "quarantine",
    }
    ev = [e for e in result.get_asset_check_evaluations() if e.check_name == "raw_turns_quality"][0]
    assert not ev.passed
    failed = ev.metadata["failed_expectations"].value
    assert any(
        f["check"] == "expect_column_values_to_not_be_null(user_id)" and f["unexpected_count"] == 60
        for f in failed
    )
    assert "missing_columns" in ev.metadata["report"].value
    # a later run that materialises only clean_turns refuses the failed partition
    later = _run(res, DAY, selection=[clean.clean_turns])
    assert not later.success
    failure = [e for e in later.all_events if e.event_type_value == "STEP_FAILURE"][0]
    assert "raw_turns partition 2026-01-03 failed its quality checks" in str(
        failure.event_specific_data.error
    )


def test_sensor_requests_days_in_order_then_relabels(env):
    res, lake = env
    for d in ("2026-01-01", "2026-01-02"):
        _land(lake, d)
    reqs, cur = ingest.landing_requests(lake, {}, res.config.labels, now=0.0)
    assert [(r.partition_key, r.job_name) for r in reqs] == [("2026-01-01", "daily_ingest")]
    again, cur = ingest.landing_requests(
        lake, json.loads(json.dumps(cur)), res.config.labels, now=1.0
    )
    assert again == []  # still pending
    assert _run(res, "2026-01-01").success
    reqs, cur = ingest.landing_requests(lake, cur, res.config.labels, now=2.0)
    assert [(r.partition_key, r.job_name) for r in reqs] == [("2026-01-02", "daily_ingest")]
    assert _run(res, "2026-01-02").success
    _land(lake, "2026-01-03")
    reqs, cur = ingest.landing_requests(lake, cur, res.config.labels, now=3.0)
    assert [(r.partition_key, r.job_name) for r in reqs] == [("2026-01-03", "daily_ingest")]
    assert _run(res, "2026-01-03").success
    reqs, cur = ingest.landing_requests(lake, cur, res.config.labels, now=4.0)
    # day 1's window (reactions of days 1..3) is now complete: re-label it
    assert [(r.partition_key, r.job_name) for r in reqs] == [("2026-01-01", "relabel_turns")]
    ctx = dg.build_sensor_context(cursor=json.dumps(cur), resources={"rluf": res})
    out = ingest.landing_sensor(ctx)
    assert out.run_requests == []


def test_daily_ingest_job_from_the_code_location(rluf_home):
    from rluf_dagster.definitions import defs

    lake = Lake(RlufResource().config.storage.lake)
    _land(lake, DAY)
    job = defs.resolve_job_def("daily_ingest")
    result = job.execute_in_process(partition_key=DAY, raise_on_error=False)
    assert result.success
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {a.key.to_user_string() for a in ASSETS} <= done
    assert lake.has_dataset("labeled_turns", DAY) and lake.has_dataset("quarantine", DAY)
    assert defs.resolve_sensor_def("landing_sensor") is not None
