"""Labelling: toggles, the window, who counts, and late reactions across the partition boundary."""

from __future__ import annotations

import pandas as pd
import pytest

from rluf_core.cleaning import label_turns
from rluf_core.config import parse_config
from rluf_core.config.data import LabelsConfig
from rluf_core.lake import Lake
from rluf_core.quality import daily
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_landing

DAY = "2026-01-02"


def _clean_rx(turns: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """Clean-reaction rows built directly (labelling is tested apart from cleaning)."""
    rx = reactions_frame(rows)
    t = turns.set_index("turn_id")
    rx["is_receiving_user"] = rx["user_id"].to_numpy() == t.loc[rx["turn_id"], "user_id"].to_numpy()
    turn_ts = pd.DatetimeIndex(t.loc[rx["turn_id"], "ts"])
    rx["latency_s"] = (pd.DatetimeIndex(rx["ts"]) - turn_ts).total_seconds().to_numpy()
    return rx


@pytest.fixture()
def turns() -> pd.DataFrame:
    return make_turns(DAY, 8)


def test_toggles_window_and_receiving_user(turns):
    T = turns.iloc
    rows = [
        reaction("a1", T[0]),  # loved
        reaction("b1", T[1]),
        reaction("b2", T[1], delay_s=120, action="remove"),  # un-loved
        reaction("c1", T[2]),
        reaction("c2", T[2], delay_s=90, action="remove"),
        reaction("c3", T[2], delay_s=300),  # re-added: loved
        reaction("d1", T[3], delay_s=25 * 3600),  # after the window
        reaction("e1", T[4], user_id="group_member"),  # someone else
        reaction("f1", T[5], reaction="like"),  # not the positive one
        reaction("g1", T[6], action="remove"),
        reaction("g2", T[6], delay_s=60),  # same ts: event_id order
        reaction("a1", T[0]),  # duplicate across days
    ]
    rx = _clean_rx(turns, rows)
    out = label_turns(turns, rx, LabelsConfig(), available_through="2026-01-04").set_index(
        "turn_id"
    )
    ids = turns["turn_id"]
    assert out.loc[ids, "label"].tolist() == [1, 0, 1, 0, 0, 0, 1, 0]
    assert out.loc[ids[0], "n_reactions"] == 1 and out.loc[ids[2], "n_reactions"] == 3
    assert out.loc[ids[0], "first_positive_latency_s"] == pytest.approx(60.0)
    assert out.loc[ids[4], "n_positive_users"] == 1 and out.loc[ids[4], "label"] == 0
    assert out["label_window_complete"].all()
    anyone = label_turns(
        turns, rx, LabelsConfig(receiving_user_only=False), "2026-01-04"
    ).set_index("turn_id")
    assert anyone.loc[ids, "label"].tolist() == [1, 0, 1, 0, 1, 0, 1, 0]
    thumbs = label_turns(turns, rx, LabelsConfig(positive_reaction="like"), "2026-01-04").set_index(
        "turn_id"
    )
    assert thumbs.loc[ids, "label"].tolist() == [0, 0, 0, 0, 0, 1, 0, 0]


def test_window_completeness_flag(turns):
    rx = _clean_rx(turns, [reaction("a1", turns.iloc[0])])
    for through, expected in (
        (None, False),
        (DAY, False),
        ("2026-01-03", False),
        ("2026-01-04", True),
    ):
        out = label_turns(turns, rx, LabelsConfig(late_arrival_days=1), through)
        assert out["label_window_complete"].all() == expected


def test_late_reactions_across_partition_boundary_through_the_lake(tmp_path):
    # only day D has turns: the later days' volume checks fail, so the gate is off for this test
    cfg = parse_config(
        {"storage": {"home": str(tmp_path)}, "quality": {"gate_failed_partitions": False}}
    )
    lake = Lake(cfg.storage.lake)
    t = make_turns(DAY, 3)
    t.loc[2, "ts"] = pd.Timestamp(f"{DAY}T23:30:00", tz="UTC")
    write_landing(lake, "turns", DAY, t)
    # day D: one love; day D+1: a love to D's last turn 1 h later; day D+2: a late-landing love (ts on D+1)
    write_landing(lake, "reactions", DAY, reactions_frame([reaction("e0", t.iloc[0])]))
    write_landing(
        lake, "reactions", "2026-01-03", reactions_frame([reaction("e1", t.iloc[2], delay_s=3600)])
    )
    write_landing(
        lake,
        "reactions",
        "2026-01-04",
        reactions_frame([reaction("e2", t.iloc[1], delay_s=20 * 3600)]),
    )
    for d in (DAY, "2026-01-03", "2026-01-04"):
        for kind in ("turns", "reactions"):
            daily.ingest_day(lake, kind, d)
        daily.clean_turns_day(lake, cfg, d)
        daily.clean_reactions_day(lake, cfg, d)
        if d == DAY:
            first = daily.label_day(lake, cfg, DAY)["labeled"]
            assert (
                first["turn_id"].tolist() == t["turn_id"].tolist()
            )  # in time order, deterministically
            assert first["label"].tolist() == [1, 0, 0] and not first["label_window_complete"].any()
    out = daily.label_day(lake, cfg, DAY)
    lab = out["labeled"].set_index("turn_id").loc[t["turn_id"]]
    assert lab["label"].tolist() == [1, 1, 1]
    assert lab["label_window_complete"].all()
    assert out["reaction_days"] == [DAY, "2026-01-03", "2026-01-04"]
    q = daily.quarantine_day(lake, "2026-01-03")
    assert q["total"]["balanced"] and len(q["quarantine"]) == 0
