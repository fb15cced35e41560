"""Edge cases of real landing data through the lake: bytes that are not text, blanks that are not
spaces, turns served near midnight, files delivered twice, folders misnamed, days with no turns."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rluf_core.cleaning import clean_turns
from rluf_core.config import parse_config
from rluf_core.ingest import read_landing_day
from rluf_core.lake import Lake
from rluf_core.quality import daily
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_bytes, write_landing

DAY, NEXT = "2026-01-02", "2026-01-03"


@pytest.fixture()
def env(tmp_path):
    # few rows per day: the volume checks would fail, so the gate is off (the gate has its own tests)
    cfg = parse_config(
        {"storage": {"home": str(tmp_path)}, "quality": {"gate_failed_partitions": False}}
    )
    return cfg, Lake(cfg.storage.lake)


def _run_day(lake, cfg, day):
    for kind in ("turns", "reactions"):
        daily.ingest_day(lake, kind, day)
    daily.clean_turns_day(lake, cfg, day)
    daily.clean_reactions_day(lake, cfg, day)
    return daily.quarantine_day(lake, day)


def test_one_bad_jsonl_line_costs_only_that_line(env):
    _, lake = env
    t = make_turns(DAY, 4)
    lines = [json.dumps({k: str(v) for k, v in r.items()}) for r in t.to_dict("records")]
    surrogate = dict(json.loads(lines[0]), turn_id="s", prompt="PLACEHOLDER")
    lines.append(
        json.dumps(surrogate).replace("PLACEHOLDER", "\\ud800")
    )  # valid JSON, not Unicode text
    lines.append("[" * 100_000 + "]" * 100_000)  # deeper than Python's stack
    write_bytes(
        lake, f"{lake.landing_dir('turns', DAY)}/a.jsonl", ("\n".join(lines) + "\n").encode()
    )
    b = read_landing_day(lake, "turns", DAY)
    assert len(b.frame) == 6 and b.frame["_error"].isna().sum() == 4
    errors = b.frame.dropna(subset=["_error"]).set_index("_row")
    assert errors.loc[4, "_error"] == "invalid_utf8" and errors.loc[4, "_error_detail"].startswith(
        "prompt:"
    )
    assert (
        errors.loc[5, "_error"] == "malformed_json"
        and "RecursionError" in errors.loc[5, "_error_detail"]
    )


def test_parquet_string_column_with_bytes_that_are_not_utf8(env):
    _, lake = env
    t = make_turns(DAY, 3)
    table = pa.Table.from_pandas(t, preserve_index=False)
    raw = [r.encode() for r in t["response"]]
    raw[1] = b"caf\xe9 \xff"
    bad = pa.Array.from_buffers(
        pa.string(), 3, pa.array(raw, pa.binary()).buffers()
    )  # unchecked, as writers do
    table = table.set_column(table.schema.get_field_index("response"), "response", bad)
    lake.fs.makedirs(lake.landing_dir("turns", DAY), exist_ok=True)
    with lake.fs.open(f"{lake.landing_dir('turns', DAY)}/x.parquet", "wb") as f:
        pq.write_table(table, f)
    b = read_landing_day(lake, "turns", DAY)
    assert b.frame["_error"].tolist()[1] == "invalid_utf8" and b.frame["_error"].isna().sum() == 2
    clean, q, recon = clean_turns(b.frame, DAY)
    assert len(clean) == 2 and q["reason"].tolist() == ["invalid_utf8"] and recon["balanced"]


def test_tabs_and_newlines_are_blank(env):
    t = make_turns(DAY, 4)
    t.loc[0, "turn_id"], t.loc[1, "prompt"], t.loc[2, "response"] = "\t", "\n\n", " \t\r\n "
    raw = t.astype({"ts": str}).assign(
        _file="f.parquet", _row=range(4), _error=None, _error_detail=None, _raw=None
    )
    clean, q, _ = clean_turns(raw, DAY)
    assert len(clean) == 1
    assert sorted(q["reason"]) == ["missing_prompt", "missing_response", "missing_turn_id"]


def test_turns_near_midnight_are_labelled_in_the_partition_they_landed_in(env):
    cfg, lake = env
    t = make_turns(DAY, 3)
    t.loc[0, "ts"] = pd.Timestamp("2026-01-01T23:00:00Z")  # landed late: served the day before
    t.loc[2, "ts"] = pd.Timestamp("2026-01-03T00:30:00Z")  # clock skew: 30 min into the next day
    write_landing(lake, "turns", DAY, t)
    write_landing(
        lake,
        "reactions",
        DAY,
        reactions_frame([reaction("e0", t.iloc[0]), reaction("e1", t.iloc[1])]),
    )
    write_landing(lake, "reactions", NEXT, reactions_frame([reaction("e2", t.iloc[2])]))
    for d in (DAY, NEXT):
        assert _run_day(lake, cfg, d)["total"]["balanced"]
    assert (
        lake.read_dataset("clean_reactions", [DAY, NEXT])["turn_day"].astype(str).tolist()
        == [DAY] * 3
    )
    labeled = daily.label_day(lake, cfg, DAY)["labeled"].set_index("turn_id")
    assert labeled.loc[t["turn_id"], "label"].tolist() == [1, 1, 1]


def test_a_turn_delivered_again_the_next_day_is_quarantined_there(env):
    cfg, lake = env
    t = make_turns(DAY, 3)
    write_landing(lake, "turns", DAY, t)
    again = t.iloc[[0]].assign(ts=pd.Timestamp("2026-01-03T00:10:00Z"))
    write_landing(lake, "turns", NEXT, pd.concat([again, make_turns(NEXT, 2)], ignore_index=True))
    for d in (DAY, NEXT):
        _run_day(lake, cfg, d)
    clean = lake.read_dataset("clean_turns", [DAY, NEXT])
    assert not clean["turn_id"].duplicated().any() and len(clean) == 5
    q = daily.quarantine_day(lake, NEXT)
    assert q["total"]["balanced"] and q["quarantine"]["reason"].tolist() == [
        "duplicate_of_earlier_day"
    ]
    assert f"already landed on {DAY}" in q["quarantine"]["detail"].iloc[0]


def test_reactions_on_a_day_without_turns_are_quarantined_as_unknown(env):
    cfg, lake = env
    t = make_turns(DAY, 2)
    write_landing(
        lake,
        "reactions",
        DAY,
        reactions_frame([reaction("e0", t.iloc[0]), reaction("e1", t.iloc[1])]),
    )
    daily.ingest_day(lake, "reactions", DAY)
    out = daily.clean_reactions_day(lake, cfg, DAY)
    assert len(out["clean"]) == 0 and out["reconciliation"]["quarantine_reasons"] == {
        "unknown_turn": 2
    }


def test_misnamed_landing_folders_are_named_in_a_warning(env, caplog):
    _, lake = env
    for name in ("date=2026-1-2", "date=latest", "date=2026-02-30", f"date={DAY}"):
        write_bytes(lake, f"{lake.path('landing', 'turns', name)}/a.jsonl", b"{}\n")
    with caplog.at_level(logging.WARNING, logger="rluf_core.lake"):
        assert lake.landing_days("turns") == [DAY]
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert all(n in warned for n in ("date=2026-1-2", "date=latest", "date=2026-02-30"))
    with pytest.raises(ValueError, match="partition day '2026-1-2' is not a date"):
        clean_turns(pd.DataFrame(), "2026-1-2")
