"""Issue 34: `rluf quarantine-file` sets a landing file aside with an audit record; the held day
then re-runs
to exactly the datasets of a landing zone that never had the file; a held day does not stop later
days,
and retraining says it left the held day out."""

from __future__ import annotations

import hashlib

import dagster as dg
import pandas as pd
import pytest

from rluf_core.feedback.report import run_feedback
from rluf_core.ingest.set_aside import SetAsideError, file_audit, quarantine_file
from rluf_core.lake import Lake
from rluf_core.quality.held import held_days
from rluf_dagster.defs import clean, ingest
from rluf_dagster.defs.feedback import user_reputation
from rluf_dagster.resources import RlufResource
from tests.own_logs_fixtures import (
    NOT_PARQUET,
    add_not_parquet,
    datasets_without_root,
    days,
    land_day,
    write_config,
)

ASSETS = [
    ingest.raw_turns,
    ingest.raw_reactions,
    clean.clean_turns,
    clean.clean_reactions,
    clean.labeled_turns,
    clean.quarantine,
    user_reputation,
]
DAYS = days(3)
HELD = DAYS[1]
COMPARED = [
    "raw_turns",
    "raw_turns_files",
    "raw_reactions",
    "raw_reactions_files",
    "clean_turns",
    "clean_reactions",
    "labeled_turns",
    "quarantine",
]


def _lake(tmp_path, name):
    (tmp_path / name).mkdir()
    res = RlufResource(config_path=str(write_config(tmp_path / name)))
    return res, Lake(res.config.storage.lake)


def _run(res, day):
    return dg.materialize(
        [*ASSETS, *ingest.raw_checks, *clean.clean_checks],
        partition_key=day,
        resources={"rluf": res},
        raise_on_error=False,
    )


def test_quarantine_file_moves_the_file_and_keeps_an_audit_record(tmp_path):
    _, lake = _lake(tmp_path, "a")
    land_day(lake, HELD)
    bad = add_not_parquet(lake, HELD)
    rec = quarantine_file(lake, bad, "a CSV export named .parquet")
    assert not lake.fs.exists(bad) and lake.fs.cat_file(rec["quarantined_path"]) == NOT_PARQUET
    assert rec["quarantined_path"].endswith(
        f"quarantine/files/reactions/date={HELD}/export-2.parquet"
    )
    assert {
        k: rec[k] for k in ("reason", "sha256", "size_bytes", "original_path", "kind", "day")
    } == {
        "reason": "a CSV export named .parquet",
        "sha256": hashlib.sha256(NOT_PARQUET).hexdigest(),
        "size_bytes": len(NOT_PARQUET),
        "original_path": bad,
        "kind": "reactions",
        "day": HELD,
    }
    assert pd.Timestamp(rec["when"]).tzinfo is not None
    assert file_audit(lake, HELD) == [rec]
    assert len(lake.landing_files("reactions", HELD)) == 1


def test_quarantine_file_refuses_what_is_not_a_landing_file(tmp_path):
    _, lake = _lake(tmp_path, "a")
    land_day(lake, HELD)
    elsewhere = tmp_path / "notes.txt"
    elsewhere.write_text("x")
    with pytest.raises(SetAsideError, match="not a landing file of lake"):
        quarantine_file(lake, str(elsewhere), "no")
    with pytest.raises(SetAsideError, match="no such file"):
        quarantine_file(lake, str(tmp_path / "missing.parquet"), "no")
    with pytest.raises(SetAsideError, match="--reason must say why"):
        quarantine_file(lake, lake.landing_files("turns", HELD)[0], " ")


def test_held_day_then_quarantine_file_then_rerun_equals_a_zone_without_the_file(tmp_path):
    res_a, a = _lake(tmp_path, "with_file")
    res_b, b = _lake(tmp_path, "never_had_it")
    for lake in (a, b):
        for i, day in enumerate(DAYS):
            land_day(lake, day, seed=i)
    bad = add_not_parquet(a, HELD)
    results = {day: _run(res_a, day) for day in DAYS}
    assert [results[d].success for d in DAYS] == [
        True,
        False,
        True,
    ]  # the held day does not stop the next
    assert a.has_dataset("clean_reactions", DAYS[2]) and a.has_dataset("labeled_turns", DAYS[2])
    assert held_days(a) == {HELD: ["raw_reactions"]}
    assert run_feedback(a, res_a.config, write=False)[1]["held_days_excluded"] == {
        HELD: ["raw_reactions"]
    }

    quarantine_file(a, bad, "a CSV export named .parquet")
    rerun = _run(res_a, HELD)
    assert rerun.success and held_days(a) == {}
    for day in (DAYS[0], HELD):
        assert _run(res_b, day).success
    for name in COMPARED:
        pd.testing.assert_frame_equal(
            datasets_without_root(a, name, HELD), datasets_without_root(b, name, HELD), obj=name
        )
    meta = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in rerun.get_asset_materialization_events()
    }["quarantine"]
    audit = meta["reconciliation"].value["files_set_aside"]
    assert [(r["original_path"], r["reason"], r["sha256"]) for r in audit] == [
        (bad, "a CSV export named .parquet", hashlib.sha256(NOT_PARQUET).hexdigest())
    ]
    assert meta["files_set_aside"].value == 1 and meta["reconciled"].value is True
