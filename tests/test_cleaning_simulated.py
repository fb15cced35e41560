"""Integration: a tiny simulated scenario through ingest, checks and cleaning; labels == ground truth."""

from __future__ import annotations

import pytest

from rluf_core.cleaning import pseudonymise
from rluf_core.config import parse_config
from rluf_core.lake import Lake
from rluf_core.quality import daily, validate_partition

simulation = pytest.importorskip("rluf_core.simulation")


def test_labels_match_ground_truth_and_rows_reconcile(tmp_path):
    cfg = parse_config(
        {
            "storage": {"home": str(tmp_path)},
            "source": {"simulator": {"days": 4, "turns_per_day": 1500, "n_users": 1200}},
        }
    )
    simulation.simulate(cfg, progress=False)
    lake, gt = Lake(cfg.storage.lake), Lake(cfg.storage.ground_truth)
    days = lake.landing_days("turns")
    assert len(days) == 4
    for d in days:
        for kind in ("turns", "reactions"):
            daily.ingest_day(lake, kind, d)
            r = validate_partition(lake, cfg, f"raw_{kind}", d)
            assert r.success, r.failure_summary()
        assert daily.clean_turns_day(lake, cfg, d)["reconciliation"]["balanced"]
        assert daily.clean_reactions_day(lake, cfg, d)["reconciliation"]["balanced"]
    reasons: dict[str, int] = {}
    for d in days:
        daily.label_day(lake, cfg, d)
        q = daily.quarantine_day(lake, d)
        assert q["total"]["balanced"]
        for k, v in q["by_source"]["reactions"]["quarantine_reasons"].items():
            reasons[k] = reasons.get(k, 0) + v
    assert set(reasons) <= {
        "unknown_turn"
    }  # the simulator's only bad rows: reactions to unknown turns

    lab = lake.read_dataset("labeled_turns", days)
    truth = gt.read_dataset("turns", days)[["turn_id", "user_id", "loved"]]
    m = lab.merge(truth, on="turn_id", suffixes=("", "_true"), validate="one_to_one")
    assert len(m) == len(truth) == len(lab)
    complete = m[m["label_window_complete"]]
    assert len(complete) >= 2 * 1500  # the first two days have their whole window (D..D+2)
    assert (complete["label"].astype(bool) == complete["loved"].astype(bool)).all()
    assert complete["label"].sum() > 20
    # evaluation can map ground-truth users to the pseudonyms with the configured key
    assert (
        pseudonymise(m["user_id_true"], cfg.privacy.pseudonym_key).to_numpy()
        == m["user_id"].to_numpy()
    ).all()
