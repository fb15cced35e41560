"""The OASST adapter: landing files, the dev/test day layout, and labels equal to y_thumbs_up."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rluf_core.config import load_config
from rluf_core.lake import Lake
from rluf_core.quality import daily, validate_partition
from rluf_core.sources.oasst import import_oasst, oasst_frames

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO.parent / "shared" / "data" / "oasst" / "oasst_replies.parquet"
PRESET = REPO / "rluf_core" / "config" / "presets" / "oasst.yaml"
pytestmark = pytest.mark.skipif(not SOURCE.exists(), reason="OASST data not present")


def test_frames_layout_and_reaction_counts():
    src = pd.read_parquet(SOURCE)
    turns, rx, meta = oasst_frames(src, pd.Timestamp("2026-01-01").date(), 10, 4, seed=0)
    assert len(turns) == len(src) and turns["turn_id"].is_unique
    assert len(rx) == int(
        src[["react_thumbs_up", "react_thumbs_down", "react_red_flag"]].sum().sum()
    )
    assert set(meta.loc[meta["split"] == "dev", "day"]) == {
        f"2026-01-{d:02d}" for d in range(1, 11)
    }
    assert set(meta.loc[meta["split"] == "test", "day"]) == {
        f"2026-01-{d:02d}" for d in range(11, 15)
    }
    assert meta.groupby("turn_id").size().max() == 1
    # each conversation on one day; volunteers distinct per reply and reaction after the turn
    assert (turns.groupby("conversation_id")["day"].nunique() == 1).all()
    assert not rx.duplicated(["turn_id", "user_id"]).any()
    assert (rx["ts"] > turns.set_index("turn_id").loc[rx["turn_id"], "ts"].to_numpy()).all()


def test_import_runs_through_cleaning_with_labels_equal_to_thumbs_up(tmp_path, monkeypatch):
    monkeypatch.setenv("RLUF_HOME", str(tmp_path))
    cfg = load_config(PRESET)
    assert cfg.labels.positive_reaction == "thumbs_up" and cfg.labels.receiving_user_only is False
    lake = Lake(cfg.storage.lake)
    s = import_oasst(str(SOURCE), lake, cfg.source.start_date)
    assert (
        s["test_days"] == 4
        and len(s["days"]) == 14
        and s["rows_by_split"] == {"dev": 1327, "test": 539}
    )
    for d in s["days"]:
        for kind in ("turns", "reactions"):
            daily.ingest_day(lake, kind, d)
            r = validate_partition(lake, cfg, f"raw_{kind}", d)
            assert r.success, (d, kind, r.failure_summary())
        daily.clean_turns_day(lake, cfg, d)
        daily.clean_reactions_day(lake, cfg, d)
    reasons = {}
    for d in s["days"]:
        daily.label_day(lake, cfg, d)
        q = daily.quarantine_day(lake, d)
        assert q["total"]["balanced"]
        for r in q["quarantine"]["reason"]:
            reasons[r] = reasons.get(r, 0) + 1
    # the only rejected rows: two replies whose parent message (the prompt) is missing in the data set
    assert reasons == {"missing_prompt": 2}
    lab = lake.read_dataset("labeled_turns", s["days"])
    meta = lake.read_dataset("oasst_meta")
    m = lab.merge(meta, on="turn_id", validate="one_to_one")
    assert len(m) == 1864 and m["label_window_complete"].all()
    assert (m["label"] == m["y_thumbs_up"]).all()
    test_days = set(s["days"][-s["test_days"] :])
    assert set(m.loc[m["split"] == "test", "ts"].dt.date.astype(str)) == test_days
    assert not set(m.loc[m["split"] == "dev", "ts"].dt.date.astype(str)) & test_days
