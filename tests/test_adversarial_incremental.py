"""The reputation from stored daily aggregates equals a full recompute; days are computed once."""

import pandas as pd
import pandas.testing as pdt

from rluf_core.adversarial.reputation import (
    STATS_DATASET,
    build_user_reputation,
    update_daily_stats,
)
from rluf_core.adversarial.synthetic import Scenario, generate, write_lake
from rluf_core.config import parse_config
from rluf_core.lake import Lake


def test_incremental_equals_full_recompute(tmp_path):
    # the quality fit's trust weights come from the reputation as of the day before, so with them on a day's
    # aggregates depend on the history before the window; the sum over stored days is what is tested here
    cfg = parse_config(
        {
            "adversarial": {
                "trailing_days": 4,
                "recent_days": 2,
                "quality": {"exclude_flagged": False},
            }
        }
    )
    data = generate(
        Scenario(
            days=6,
            turns_per_day=3000,
            n_honest=1500,
            n_bots=6,
            n_brigades=1,
            brigade_size=6,
            n_trolls=6,
            seed=1,
        )
    )
    inc, full = Lake(str(tmp_path / "inc")), Lake(str(tmp_path / "full"))
    days = write_lake(inc, data)
    write_lake(full, data)
    # incremental: one day at a time, each day's aggregates stored and reused
    for d in days:
        rep_inc, summary = build_user_reputation(inc, cfg, d)
        assert summary["days_computed"] == [d] or d == days[0]
    # re-materialising the last day recomputes that day only (its data may have changed), never the window
    _, again = build_user_reputation(inc, cfg, days[-1])
    assert again["days_computed"] == [days[-1]]
    assert update_daily_stats(inc, cfg, days[-1])["computed"] is False
    # full: everything from scratch, as of the last day only
    rep_full, s_full = build_user_reputation(full, cfg, days[-1])
    assert len(s_full["days_computed"]) == 4  # only the window's days
    pdt.assert_frame_equal(rep_inc.reset_index(drop=True), rep_full.reset_index(drop=True))
    assert inc.dataset_days(STATS_DATASET) == days
    stored = inc.read_dataset(STATS_DATASET, days[-4:])
    assert set(stored["day"]) == set(days[-4:])
    assert (stored.groupby("day")["user_id"].nunique() > 0).all()
    assert isinstance(rep_full, pd.DataFrame) and rep_full["flagged"].sum() > 0


def test_quality_fit_sample_follows_relabelled_days(tmp_path):
    from rluf_core.adversarial.quality import QUALITY_SAMPLE_DATASET

    cfg = parse_config({"adversarial": {"trailing_days": 3, "recent_days": 1}})
    data = generate(
        Scenario(
            days=3,
            turns_per_day=2000,
            n_honest=1000,
            n_bots=4,
            n_brigades=1,
            brigade_size=5,
            n_trolls=4,
            seed=2,
        )
    )
    lake = Lake(str(tmp_path / "lake"))
    days = write_lake(lake, data)
    for d in days:
        build_user_reputation(lake, cfg, d)
    first = lake.read_dataset(QUALITY_SAMPLE_DATASET, [days[0]])
    assert first["label"].sum() == lake.read_dataset("labeled_turns", [days[0]])["label"].sum()
    # relabel day 0 (labels change), re-materialise its reputation: its stored sample follows
    lab = lake.read_dataset("labeled_turns", [days[0]])
    lake.write_dataset("labeled_turns", lab.assign(label=0), days[0])
    build_user_reputation(lake, cfg, days[0])
    assert lake.read_dataset(QUALITY_SAMPLE_DATASET, [days[0]])["label"].sum() == 0
