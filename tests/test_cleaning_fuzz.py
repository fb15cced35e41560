"""Property-based: malformed landing batches never crash reading or cleaning, and every input row is
accounted for exactly once (clean, quarantined, or a collapsed duplicate)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rluf_core.cleaning import clean_reactions, clean_turns
from rluf_core.config.data import PrivacyConfig, QualityConfig
from rluf_core.ingest import read_landing_day
from rluf_core.lake import Lake

DAY = "2026-01-02"
Q = QualityConfig(max_text_chars=200)
P = PrivacyConfig(pseudonym_key="fuzz")
IDS = st.sampled_from(["a", "b", "c", "d", "", " ", "é", "t1", "t2"])

timestamps = st.one_of(
    st.datetimes(min_value=dt.datetime(2026, 1, 1, 12), max_value=dt.datetime(2026, 1, 3, 3)).map(
        lambda d: d.isoformat() + "Z"
    ),
    st.sampled_from(
        ["1970-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "yesterday", "", "2026-13-45"]
    ),
    st.integers(-(2**40), 2**40),
    st.none(),
)
values = st.one_of(
    IDS,
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.text(min_size=190, max_size=260),
)


def records(kind: str):
    cols = {
        "turns": [
            "turn_id",
            "conversation_id",
            "user_id",
            "ts",
            "prompt",
            "response",
            "context",
            "policy_version",
            "lang",
            "surface",
            "topic",
        ],
        "reactions": ["event_id", "turn_id", "user_id", "ts", "reaction", "action"],
    }[kind]
    fields = {
        c: (
            timestamps
            if c == "ts"
            else st.sampled_from(["love", "LOVE", "like", "zap", None])
            if c == "reaction"
            else st.sampled_from(["add", "remove", "Remove", "x", None])
            if c == "action"
            else IDS
            if c in ("turn_id", "event_id", "user_id")
            else values
        )
        for c in cols
    }
    return st.fixed_dictionaries({}, optional={**fields, "extra": values})


def lines(kind: str):
    good = records(kind).map(lambda r: json.dumps(r, default=str).encode())
    garbage = st.one_of(
        st.binary(max_size=40),
        records(kind).map(lambda r: json.dumps(r, default=str).encode()[:-3]),
        st.just(b"[1,2,3]"),
        st.just(b'"just a string"'),
        st.just(b"\xff\xfe\x00"),
    )
    return st.lists(st.one_of(good, good, good, garbage), max_size=25)


def _write(lake: Lake, kind: str, chunks: list[bytes], parquet_rows: list[dict]) -> None:
    d = lake.landing_dir(kind, DAY)
    lake.fs.makedirs(d, exist_ok=True)
    with lake.fs.open(f"{d}/a.jsonl", "wb") as f:
        f.write(b"\n".join(chunks))
    if parquet_rows:
        df = pd.DataFrame(parquet_rows).astype(str)
        with lake.fs.open(f"{d}/b.parquet", "wb") as f:
            df.to_parquet(f, index=False)


def _check(rec: dict, raw_len: int, clean_len: int, q: pd.DataFrame) -> None:
    assert rec["balanced"]
    assert rec["input_rows"] == raw_len
    assert rec["clean"] == clean_len and rec["quarantined"] == len(q)
    assert rec["clean"] + rec["quarantined"] + rec["duplicates_collapsed"] == raw_len
    assert not q.duplicated(["file", "row"]).any()
    assert q["reason"].notna().all() and (q["reason"] != "").all()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    turn_lines=lines("turns"),
    rx_lines=lines("reactions"),
    parquet_turns=st.lists(records("turns"), max_size=5),
)
def test_malformed_batches_reconcile(tmp_path_factory, turn_lines, rx_lines, parquet_turns):
    lake = Lake(str(tmp_path_factory.mktemp("fuzz")))
    _write(lake, "turns", turn_lines, parquet_turns)
    _write(lake, "reactions", rx_lines, [])
    rt = read_landing_day(lake, "turns", DAY)
    ct, qt, rec_t = clean_turns(rt.frame, DAY, Q, P)
    _check(rec_t, len(rt.frame), len(ct), qt)
    assert ct["turn_id"].is_unique
    rr = read_landing_day(lake, "reactions", DAY)
    cr, qr, rec_r = clean_reactions(rr.frame, ct, DAY, Q, P)
    _check(rec_r, len(rr.frame), len(cr), qr)
    assert cr["event_id"].is_unique and cr["turn_id"].isin(ct["turn_id"]).all()
    assert (cr["latency_s"] >= 0).all()
