"""Cleaning turns and reactions: typing, dedup, quarantine reasons, pseudonyms, exact reconciliation."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

from rluf_core.cleaning import (
    CLEAN_REACTION_COLUMNS,
    CLEAN_TURN_COLUMNS,
    clean_reactions,
    clean_turns,
    pseudonymise,
)
from rluf_core.config.data import PrivacyConfig, QualityConfig
from rluf_core.ingest.schema import raw_columns
from tests.landing_fixtures import make_turns, reaction, reactions_frame

DAY = "2026-01-02"
KEY = "test-secret-key-123"
PRIV = PrivacyConfig(pseudonym_key=KEY)


def as_raw(df: pd.DataFrame, kind: str, file: str = "f.parquet") -> pd.DataFrame:
    """A landing frame as the reader would give it: text columns plus provenance."""
    out = pd.DataFrame(
        {
            c: (
                df[c].map(
                    lambda v: (
                        None
                        if v is None or (not isinstance(v, str) and pd.isna(v))
                        else (v.isoformat() if isinstance(v, pd.Timestamp) else str(v))
                    )
                )
            )
            if c in df.columns
            else None
            for c in raw_columns(kind)
            if not c.startswith("_")
        }
    )
    out["_file"], out["_row"] = file, range(len(df))
    out["_error"] = out["_error_detail"] = out["_raw"] = None
    return out


def test_turns_quarantine_reasons_dedup_and_reconciliation():
    t = make_turns(DAY, 10)
    bad = [
        t.iloc[0].to_dict(),  # exact retry -> duplicate
        {**t.iloc[1].to_dict(), "response": "different"},  # same id, other content -> conflict
        {**t.iloc[2].to_dict(), "turn_id": "huge", "response": "x" * 10_000_001},
        {**t.iloc[3].to_dict(), "turn_id": "old", "ts": pd.Timestamp("1970-01-01", tz="UTC")},
        {**t.iloc[4].to_dict(), "turn_id": "future", "ts": pd.Timestamp("2027-01-01", tz="UTC")},
        {**t.iloc[5].to_dict(), "turn_id": "epoch", "ts": 1767312000},
        {**t.iloc[6].to_dict(), "turn_id": "nouser", "user_id": None},
        {**t.iloc[7].to_dict(), "turn_id": "  "},
    ]
    raw = as_raw(pd.concat([t, pd.DataFrame(bad)], ignore_index=True), "turns")
    clean, q, rec = clean_turns(raw, DAY, QualityConfig(), PRIV)
    assert list(clean.columns) == CLEAN_TURN_COLUMNS
    assert sorted(clean["turn_id"]) == sorted(t["turn_id"])
    assert rec == {
        "source": "turns",
        "input_rows": 18,
        "clean": 10,
        "quarantined": 7,
        "duplicates_collapsed": 1,
        "balanced": True,
        "quarantine_reasons": {
            "bad_timestamp": 1,
            "conflicting_duplicate": 1,
            "missing_turn_id": 1,
            "missing_user_id": 1,
            "text_too_long": 1,
            "ts_in_future": 1,
            "ts_too_old": 1,
        },
    }
    assert set(q.columns) == {"source", "file", "row", "reason", "detail", "record"}
    assert q["row"].min() >= 10 and (q["file"] == "f.parquet").all()
    assert q["record"].str.len().max() <= 2000
    by_reason = q.set_index("reason")
    assert "is before 2025-12-31" in by_reason.loc["ts_too_old", "detail"]
    assert (
        "repeats f.parquet row 1 (kept) with different content"
        in by_reason.loc["conflicting_duplicate", "detail"]
    )
    # raw user ids are pseudonymised inside quarantine records too
    rec_user = json.loads(by_reason.loc["ts_too_old", "record"])["user_id"]
    assert rec_user == pseudonymise([t.iloc[3]["user_id"]], KEY)[0]
    huge = q[q["reason"] == "text_too_long"].iloc[0]
    assert "response 10000001" in huge["detail"]
    assert str(clean["ts"].dtype) == "datetime64[us, UTC]"
    assert (clean["response_chars"] == clean["response"].str.len()).all()


def test_user_ids_are_pseudonymised_with_the_key(caplog):
    t = make_turns(DAY, 20)
    with caplog.at_level(logging.DEBUG):
        clean, _, _ = clean_turns(as_raw(t, "turns"), DAY, QualityConfig(), PRIV)
    by_turn = clean.set_index("turn_id")["user_id"]
    expected = pseudonymise(t["user_id"], KEY)
    assert (by_turn.loc[t["turn_id"]].to_numpy() == expected.to_numpy()).all()
    assert not set(clean["user_id"]) & set(t["user_id"])
    assert (pseudonymise(t["user_id"], "other-key") != expected).all()
    assert KEY not in caplog.text and KEY not in repr(PRIV)


def test_pseudonymise_is_deterministic_and_keeps_nulls():
    a = pseudonymise(["u1", None, "u2", "u1"], KEY)
    assert a[0] == a[3] and a[0] != a[2] and pd.isna(a[1])
    assert a[0].startswith("u_") and len(a[0]) == 22


def test_reactions_dedup_join_and_reasons():
    prev = make_turns("2026-01-01", 5, seed=1)
    today = make_turns(DAY, 5, seed=2)
    late_turn = prev.iloc[4]  # yesterday's turn, reacted to today
    ev = [
        reaction("e1", today.iloc[0]),
        reaction("e1", today.iloc[0]),  # retry
        {**reaction("e2", today.iloc[1]), "reaction": " LOVE ", "action": "Add"},  # normalised
        {**reaction("e2", today.iloc[1]), "reaction": "like"},  # conflicting id
        reaction("e3", today.iloc[2], user_id="someone_else"),
        {**reaction("e4", late_turn), "ts": pd.Timestamp("2026-01-02T01:00:00", tz="UTC")},
        {**reaction("e5", today.iloc[3]), "turn_id": "nope"},
        reaction("e6", today.iloc[3], delay_s=-3600),  # before its turn
        {**reaction("e7", today.iloc[3]), "reaction": "kiss"},
        {**reaction("e8", today.iloc[3]), "action": "toggle"},
    ]
    raw = as_raw(reactions_frame(ev), "reactions")
    turns_clean = pd.concat(
        [
            clean_turns(as_raw(x, "turns"), d, QualityConfig(), PRIV)[0]
            for x, d in ((prev, "2026-01-01"), (today, DAY))
        ]
    )
    clean, q, rec = clean_reactions(raw, turns_clean, DAY, QualityConfig(), PRIV)
    assert list(clean.columns) == CLEAN_REACTION_COLUMNS
    assert rec["quarantine_reasons"] == {
        "conflicting_duplicate": 1,
        "reaction_before_turn": 1,
        "unknown_action": 1,
        "unknown_reaction": 1,
        "unknown_turn": 1,
    }
    assert (
        rec["duplicates_collapsed"] == 1
        and rec["clean"] == 4
        and rec["input_rows"] == 10
        and rec["balanced"]
    )
    c = clean.set_index("event_id")
    assert c.loc["e2", "reaction"] == "love" and c.loc["e2", "action"] == "add"
    assert bool(c.loc["e1", "is_receiving_user"]) and not bool(c.loc["e3", "is_receiving_user"])
    assert str(c.loc["e4", "turn_day"]) == "2026-01-01"
    assert c.loc["e4", "latency_s"] == pytest.approx(
        (pd.Timestamp("2026-01-02T01:00:00", tz="UTC") - late_turn["ts"]).total_seconds()
    )
    assert c.loc["e1", "latency_s"] == pytest.approx(60.0)
    assert c.loc["e1", "topic"] == today.iloc[0]["topic"]


def test_empty_inputs_reconcile():
    empty_t = pd.DataFrame(columns=raw_columns("turns"))
    clean, q, rec = clean_turns(empty_t, DAY)
    assert len(clean) == 0 and len(q) == 0 and rec["input_rows"] == 0 and rec["balanced"]
    clean, q, rec = clean_reactions(pd.DataFrame(columns=raw_columns("reactions")), clean, DAY)
    assert len(clean) == 0 and rec["balanced"]
