"""Quality suites (GX Core) and trailing-days checks, run outside Dagster; the gate on failed days."""

from __future__ import annotations

import pytest

from rluf_core.config import parse_config
from rluf_core.lake import Lake
from rluf_core.quality import (
    QualityGateError,
    daily,
    rate_check,
    require_passed,
    stored_result,
    validate_partition,
    volume_check,
)
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_bytes, write_landing

DAYS = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]


@pytest.fixture()
def env(tmp_path):
    cfg = parse_config({"storage": {"home": str(tmp_path)}})
    return cfg, Lake(cfg.storage.lake)


def _land(lake, day, n=100, seed=0):
    t = make_turns(day, n, seed=seed)
    write_landing(lake, "turns", day, t)
    write_landing(
        lake,
        "reactions",
        day,
        reactions_frame([reaction(f"{day}e{i}", t.iloc[i]) for i in range(0, n, 10)]),
        fmt="jsonl",
    )
    for kind in ("turns", "reactions"):
        daily.ingest_day(lake, kind, day)
    return t


def test_volume_and_rate_functions():
    assert volume_check(100, {}, 10).success
    assert volume_check(100, {"a": 90, "b": 110}, 10).success
    assert not volume_check(1000, {"a": 100, "b": 100}, 10).success
    assert not volume_check(10, {"a": 100, "b": 100}, 10).success
    assert not volume_check(0, {"a": 100}, 10).success
    assert rate_check(40, 1000, {"a": (40, 1000)}, 3, 200).success
    assert not rate_check(200, 1000, {"a": (40, 1000)}, 3, 200).success
    skipped = rate_check(5, 50, {"a": (40, 1000)}, 3, 200)
    assert skipped.success and "skipped" in skipped.observed


def test_clean_day_passes_every_suite(env):
    cfg, lake = env
    _land(lake, DAYS[0])
    for name in ("raw_turns", "raw_reactions"):
        r = validate_partition(lake, cfg, name, DAYS[0])
        assert r.success, r.failure_summary()
        assert stored_result(lake, name, DAYS[0]).success
    daily.clean_turns_day(lake, cfg, DAYS[0])
    daily.clean_reactions_day(lake, cfg, DAYS[0])
    daily.label_day(lake, cfg, DAYS[0])
    for name in ("clean_turns", "clean_reactions", "labeled_turns"):
        r = validate_partition(lake, cfg, name, DAYS[0])
        assert r.success, r.failure_summary()
        assert len(r.checks) >= 6 and "passed" in r.to_markdown()


def test_broken_schema_fails_with_named_expectation(env):
    cfg, lake = env
    t = make_turns(DAYS[0], 50).drop(columns=["user_id", "response"])
    write_landing(lake, "turns", DAYS[0], t)
    daily.ingest_day(lake, "turns", DAYS[0])
    r = validate_partition(lake, cfg, "raw_turns", DAYS[0])
    assert not r.success
    failed = {c.label: c for c in r.failed if c.severity == "error"}
    assert "expect_column_values_to_be_in_set(missing_columns)" in failed
    assert failed["expect_column_values_to_not_be_null(user_id)"].unexpected_count == 50
    assert "user_id" in failed["expect_column_values_to_be_in_set(missing_columns)"].examples[0]
    with pytest.raises(QualityGateError, match="raw_turns partition 2026-01-01 failed"):
        daily.clean_turns_day(lake, cfg, DAYS[0])


def test_missing_optional_columns_warn_without_failing_the_gate(env):
    cfg, lake = env
    write_landing(
        lake,
        "turns",
        DAYS[0],
        make_turns(DAYS[0], 50).drop(columns=["context", "lang", "surface", "topic"]),
    )
    daily.ingest_day(lake, "turns", DAYS[0])
    r = validate_partition(lake, cfg, "raw_turns", DAYS[0])
    assert r.success, r.failure_summary()
    warned = {c.label: c for c in r.failed if c.severity == "warn"}
    assert (
        "context,lang,surface,topic"
        in warned["expect_column_values_to_be_in_set(missing_optional)"].examples[0]
    )
    assert len(daily.clean_turns_day(lake, cfg, DAYS[0])["clean"]) == 50


def test_volume_spike_fails_and_normal_day_passes(env):
    cfg, lake = env
    for i, d in enumerate(DAYS[:3]):
        _land(lake, d, 100, seed=i)
    assert validate_partition(lake, cfg, "raw_turns", DAYS[2]).success
    _land(lake, DAYS[3], 1000, seed=9)
    r = validate_partition(lake, cfg, "raw_turns", DAYS[3])
    assert not r.success and [c.name for c in r.failed] == ["volume_vs_trailing_days"]
    assert "ratio 10.00" in r.failed[0].observed


def test_malformed_rows_tolerated_up_to_threshold(env):
    cfg, lake = env
    t = make_turns(DAYS[0], 100)
    write_landing(lake, "turns", DAYS[0], t)
    write_bytes(lake, f"{lake.landing_dir('turns', DAYS[0])}/bad.jsonl", b'{"turn_id": "x"\n' * 3)
    daily.ingest_day(lake, "turns", DAYS[0])
    assert validate_partition(
        lake, cfg, "raw_turns", DAYS[0]
    ).success  # 3 of 103 rows: quarantined later
    write_bytes(lake, f"{lake.landing_dir('turns', DAYS[0])}/bad.jsonl", b'{"turn_id": "x"\n' * 30)
    daily.ingest_day(lake, "turns", DAYS[0])
    assert stored_result(lake, "raw_turns", DAYS[0]) is None  # re-ingesting forgets the old verdict
    r = validate_partition(lake, cfg, "raw_turns", DAYS[0])
    assert not r.success and any(
        c.label == "expect_column_values_to_be_null(_error)" for c in r.failed
    )


def test_love_rate_against_trailing_days(tmp_path):
    cfg = parse_config({"storage": {"home": str(tmp_path)}, "quality": {"min_rows_for_rates": 50}})
    lake = Lake(cfg.storage.lake)
    for i, d in enumerate(DAYS):
        n = 400
        lab = make_turns(d, n, seed=i).assign(
            label=0,
            n_reactions=0,
            n_positive_users=0,
            first_positive_latency_s=None,
            label_window_complete=True,
        )
        loved = 20 if i < 3 else 200  # 5% on trailing days, then 50%
        lab.loc[: loved - 1, "label"] = 1
        lake.write_dataset("labeled_turns", lab.astype({"first_positive_latency_s": "float64"}), d)
    assert validate_partition(lake, cfg, "labeled_turns", DAYS[2]).success
    r = validate_partition(lake, cfg, "labeled_turns", DAYS[3])
    assert not r.success and r.failed[0].name == "love_rate_vs_trailing_days"
    assert "rate 0.5000 vs trailing 0.0500" in r.failed[0].observed


def test_gate_can_be_turned_off(env, tmp_path):
    cfg, lake = env
    write_landing(lake, "turns", DAYS[0], make_turns(DAYS[0], 20).drop(columns=["user_id"]))
    daily.ingest_day(lake, "turns", DAYS[0])
    with pytest.raises(QualityGateError):
        require_passed(lake, cfg, "raw_turns", DAYS[0])
    cfg.quality.gate_failed_partitions = False
    out = daily.clean_turns_day(lake, cfg, DAYS[0])
    assert out["reconciliation"]["quarantine_reasons"] == {"missing_user_id": 20}


@pytest.mark.parametrize(
    "fmt, parses", [("%Y-%m-%d %H:%M:%S UTC", True), ("%Y%m%dT%H%M%SZ", False)]
)
def test_raw_gate_reads_timestamps_as_cleaning_does(env, fmt, parses):
    # the gate's timestamp check and the cleaner once used two parsers that disagreed on both of these forms
    cfg, lake = env
    t = make_turns(DAYS[0], 40)
    t["ts"] = t["ts"].dt.strftime(fmt)
    write_landing(lake, "turns", DAYS[0], t, fmt="jsonl")
    daily.ingest_day(lake, "turns", DAYS[0])
    r = validate_partition(lake, cfg, "raw_turns", DAYS[0])
    assert r.success is parses, r.failure_summary()
    if not parses:
        assert any(
            c.label == "expect_column_values_to_not_be_null(ts_parsed)" and c.unexpected_count == 40
            for c in r.failed
        ), r.failure_summary()
        cfg = cfg.model_copy(
            update={"quality": cfg.quality.model_copy(update={"gate_failed_partitions": False})}
        )
    out = daily.clean_turns_day(lake, cfg, DAYS[0])
    assert (len(out["clean"]), len(out["quarantine"])) == ((40, 0) if parses else (0, 40))
