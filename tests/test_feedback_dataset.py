"""feedback_dataset: removal of flagged users, per-user daily caps, weights, the time split, the report."""

import pandas as pd

from rluf_core.config import parse_config
from rluf_core.feedback import COLUMNS, build_feedback_dataset, time_split


def _labeled(n_days=6, per_day=20):
    rows = []
    for d in range(n_days):
        for i in range(per_day):
            user = "heavy" if i < 12 else ("bad" if i < 15 else f"h{i}")
            rows.append(
                {
                    "turn_id": f"t{d}-{i}",
                    "conversation_id": f"c{d}-{i // 2}",
                    "user_id": user,
                    "ts": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=d, minutes=i),
                    "prompt": "p",
                    "response": "r",
                    "context": "[]",
                    "policy_version": "v",
                    "lang": "en",
                    "surface": "app",
                    "topic": "chat",
                    "response_chars": 1,
                    "label": int(i % 3 == 0),
                    "label_window_complete": d < n_days - 1 or i < 18,
                }
            )
    return pd.DataFrame(rows)


def _rep():
    return pd.DataFrame(
        {
            "user_id": ["bad", "heavy"],
            "flagged": [True, False],
            "kind": ["bot", ""],
            "reason": ["bot: fast", ""],
            "reputation": [0.0, 1.0],
        }
    )


def test_drop_caps_split_and_report():
    cfg = parse_config(
        {
            "adversarial": {
                "max_labels_per_user_per_day": 4,
                "split": {"validation_days": 1, "test_days": 2},
            }
        }
    )
    lab = _labeled()
    df, rep = build_feedback_dataset(lab, _rep(), cfg)
    assert list(df.columns) == COLUMNS
    assert "bad" not in set(df["user_id"])
    bot = rep["removed"]["adversarial_user"]["bot"]
    assert bot["users"] == 1 and bot["rows"] == len(
        lab[(lab.user_id == "bad") & lab.label_window_complete]
    )
    assert rep["removed"]["incomplete_label_window"]["rows"] == 2
    # the heavy user's 12 rows a day weigh 4 in total each day
    heavy = df[df["user_id"] == "heavy"]
    assert heavy.groupby("day")["weight"].sum().round(6).eq(4.0).all()
    assert heavy["capped"].all() and not df.loc[df["user_id"] != "heavy", "capped"].any()
    # time split: last two days test, the one before validation; conversations not split across sets
    days = sorted(df["day"].unique())
    assert set(df.loc[df["split"] == "test", "day"]) == set(days[-2:])
    assert set(df.loc[df["split"] == "validation", "day"]) == {days[-3]}
    assert df.groupby("conversation_id")["split"].nunique().max() == 1
    assert rep["output_rows"] == len(df) and sum(s["rows"] for s in rep["splits"].values()) == len(
        df
    )


def test_downweight_and_sample_modes():
    cfg = parse_config(
        {
            "adversarial": {
                "action": "downweight",
                "downweight_factor": 0.25,
                "max_labels_per_user_per_day": 4,
                "cap_mode": "sample",
            }
        }
    )
    df, rep = build_feedback_dataset(_labeled(), _rep(), cfg)
    bad = df[df["user_id"] == "bad"]
    assert len(bad) > 0 and (bad["weight"] == 0.25).all() and bad["user_flagged"].all()
    assert df[df["user_id"] == "heavy"].groupby("day").size().max() == 4
    assert rep["downweighted"]["by_kind"]["bot"]["users"] == 1


def test_time_split_days():
    s = time_split(pd.Series(["d1", "d2", "d3", "d4", "d5", "d1"]), 2, 1)
    assert s.tolist() == ["train", "train", "validation", "validation", "test", "train"]


def test_missing_columns_named():
    import pytest

    with pytest.raises(ValueError, match="label"):
        build_feedback_dataset(_labeled().drop(columns=["label"]), _rep(), parse_config({}))


def test_labels_faster_than_reading_are_dropped():
    """A positive label whose first love came sooner than bot.label_min_latency_s is dropped (reported), whoever
    gave it; slower positives and negatives stay; null keeps everything."""
    lab = _labeled(n_days=2)
    pos = lab.index[lab["label"] == 1]
    lab["first_positive_latency_s"] = None
    lab.loc[pos, "first_positive_latency_s"] = [0.4 if k % 2 == 0 else 6.0 for k in range(len(pos))]
    lab["first_positive_latency_s"] = lab["first_positive_latency_s"].astype(float)
    fast = lab.loc[
        (lab["first_positive_latency_s"] < 1.0)
        & lab["label_window_complete"]
        & (lab["user_id"] != "bad")
    ]
    cfg = parse_config({})
    df, rep = build_feedback_dataset(lab, _rep(), cfg)
    assert not set(fast["turn_id"]) & set(df["turn_id"])
    r = rep["removed"]["too_fast_to_read"]
    assert r["rows"] == r["positive"] == len(fast) > 0 and r["min_latency_s"] == 1.0
    slow = lab.loc[
        (lab["first_positive_latency_s"] > 1.0)
        & lab["label_window_complete"]
        & (lab["user_id"] != "bad")
    ]
    assert set(slow["turn_id"]) <= set(df["turn_id"])
    assert (df["label"] == 0).sum() == (
        (lab["label"] == 0) & lab["label_window_complete"] & (lab["user_id"] != "bad")
    ).sum()
    keep, rep2 = build_feedback_dataset(
        lab, _rep(), parse_config({"adversarial": {"bot": {"label_min_latency_s": None}}})
    )
    assert "too_fast_to_read" not in rep2["removed"] and len(keep) == len(df) + len(fast)
