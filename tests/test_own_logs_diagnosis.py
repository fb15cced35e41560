"""Issue 34: a failed blocking check reads like a diagnosis (file, reason, next step), in the lake's
terms and in the Dagster run failure alike."""

from __future__ import annotations

import dagster as dg
import pytest

from rluf_core.config import load_config
from rluf_core.lake import Lake
from rluf_core.quality import validate_partition
from rluf_core.quality.daily import ingest_day
from rluf_core.quality.diagnosis import diagnose
from rluf_dagster.defs import ingest
from rluf_dagster.resources import RlufResource
from tests.landing_fixtures import make_turns, write_bytes, write_landing
from tests.own_logs_fixtures import add_not_parquet, land_day, write_config

DAY = "2026-03-02"


@pytest.fixture()
def env(tmp_path):
    path = write_config(tmp_path)
    cfg = load_config(str(path))
    return cfg, Lake(cfg.storage.lake), RlufResource(config_path=str(path))


def _diagnosis(lake, cfg, kind):
    ingest_day(lake, kind, DAY)
    return diagnose(lake, cfg, validate_partition(lake, cfg, f"raw_{kind}", DAY))


def test_unreadable_file_is_named_with_its_reason_and_the_way_on(env):
    cfg, lake, _ = env
    land_day(lake, DAY)
    bad = add_not_parquet(lake, DAY)
    text = _diagnosis(lake, cfg, "reactions")
    lines = text.splitlines()
    assert lines[0].startswith(f"raw_reactions {DAY} is held: 1 of ")
    assert (
        "  - expect_column_values_to_be_in_set(status): 1 of 2 files unexpected; e.g. error"
        in lines
    )
    assert f"  - {bad}: error: ArrowInvalid: " in text and "Parquet magic bytes not found" in text
    assert f'rluf quarantine-file {bad} --reason "cannot be read"' in text
    assert f"then re-run the day: rluf run --from {DAY}" in text
    assert f"retraining leaves {DAY} out while it is held" in text


def test_too_many_bad_rows_name_the_file_rows_and_the_config_key(env):
    cfg, lake, _ = env
    turns = make_turns(DAY, 40)
    write_landing(lake, "turns", DAY, turns.iloc[:30], fmt="jsonl", name="good")
    path = write_landing(lake, "turns", DAY, turns.iloc[30:], fmt="jsonl", name="broken")
    data = lake.fs.cat_file(path).replace(b'{"turn_id": "t20260302_3', b'{"turn_id" "t20260302_3')
    write_bytes(
        lake, path, data
    )  # rows 0..9 of broken.jsonl are no longer JSON: 10 of 40 = 25% > 5%
    text = _diagnosis(lake, cfg, "turns")
    assert "  - expect_column_values_to_be_null(_error): 10 of 40 rows unexpected" in text
    assert "Rows that could not be parsed (10):" in text
    assert f"  - {path}: 10 rows (malformed_json 10)" in text
    assert "      row 0: malformed_json: JSONDecodeError" in text
    assert "or raise quality.max_bad_row_fraction (now 0.05)" in text
    assert f'rluf quarantine-file {path} --reason "10 rows cannot be parsed"' in text
    assert f"rluf run --from {DAY}" in text and "e.g. nan" not in text


def test_the_dagster_run_failure_carries_the_same_text(env):
    cfg, lake, res = env
    land_day(lake, DAY)
    add_not_parquet(lake, DAY)
    result = dg.materialize(
        [ingest.raw_reactions, *ingest.raw_checks[1:]],
        partition_key=DAY,
        resources={"rluf": res},
        raise_on_error=False,
    )
    assert not result.success
    failure = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failure] == ["raw_reactions_raw_reactions_quality"]
    shown = failure[0].step_failure_data.user_failure_data.description
    assert shown == diagnose(
        lake, cfg, validate_partition(lake, cfg, "raw_reactions", DAY, store=False)
    )
    # the check's own result is still recorded for the UI's check history
    ev = result.get_asset_check_evaluations()[0]
    assert ev.check_name == "raw_reactions_quality" and not ev.passed
