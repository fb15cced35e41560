"""The detectors' benchmark flow in production order (robustness.build_lake(daily=True)): days scored as they
land, relabelled once their label windows are in, the last reputation refreshed, so that the reputation
feedback_dataset reads is the one a rebuild on the final labels gives."""

from __future__ import annotations

import pandas.testing as pdt

from rluf_core.adversarial.reputation import REPUTATION_DATASET, build_user_reputation
from rluf_core.reward.reports import robustness


def test_daily_flow_leaves_the_last_reputation_on_final_labels(tmp_path):
    cfg = robustness.scenario(tmp_path / "home", None, days=5, turns_per_day=1500, n_users=1500)
    lake = robustness.build_lake(cfg, daily=True)
    days = lake.dataset_days("labeled_turns")
    assert len(days) == 5 and lake.dataset_days(REPUTATION_DATASET) == days
    complete = {d: bool(lake.read_dataset("labeled_turns", [d])["label_window_complete"].all()) for d in days}
    # a 24 h window plus a day of late arrivals: the first three days are final, the last two provisional
    assert list(complete.values()) == [True, True, True, False, False]
    stored = lake.read_dataset(REPUTATION_DATASET, [days[-1]])
    rebuilt, _ = build_user_reputation(lake, cfg, days[-1], write=False)
    pdt.assert_frame_equal(stored.reset_index(drop=True), rebuilt.reset_index(drop=True), check_dtype=False)
