"""The detectors' benchmark flow in production order (robustness.build_lake(daily=True)): days scored as they
land, relabelled once their label windows are in, the last reputation refreshed, so that the reputation
feedback_dataset reads is the one a rebuild on the final labels gives."""

from __future__ import annotations

import pandas.testing as pdt
import pytest

from rluf_core.adversarial.reputation import REPUTATION_DATASET, build_user_reputation


@pytest.mark.xdist_group("daily_flow_lake")
def test_daily_flow_leaves_the_last_reputation_on_final_labels(daily_flow_lake):
    cfg, lake = daily_flow_lake  # robustness.build_lake(cfg, daily=True), once per session
    days = lake.dataset_days("labeled_turns")
    assert len(days) == 5 and lake.dataset_days(REPUTATION_DATASET) == days
    complete = {
        d: bool(lake.read_dataset("labeled_turns", [d])["label_window_complete"].all())
        for d in days
    }
    # a 24 h window plus a day of late arrivals: the first three days are final, the last two provisional
    assert list(complete.values()) == [True, True, True, False, False]
    stored = lake.read_dataset(REPUTATION_DATASET, [days[-1]])
    rebuilt, _ = build_user_reputation(lake, cfg, days[-1], write=False)
    pdt.assert_frame_equal(
        stored.reset_index(drop=True), rebuilt.reset_index(drop=True), check_dtype=False
    )
