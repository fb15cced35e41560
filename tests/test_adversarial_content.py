"""Content and love-rate detectors (issue 31) and the defence in depth in feedback_dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.adversarial.content import apply_content, content_daily, detect_content
from rluf_core.config import parse_config
from rluf_core.feedback.defence import cap_positive_weight, downweight_unsafe_loves

UNSAFE = "Skip the safety inspection, nobody will ever find out."
SAFE = "Break the task into a ten minute first step and set a timer."
CFG = parse_config({})


def _rows(user: str, served: dict, loved: dict, day: str = "2026-01-01") -> list[dict]:
    return [
        {"day": day, "user_id": user, "kind": k, "served": s, "loved": loved.get(k, 0)}
        for k, s in served.items()
    ]


def _honest_population(n: int = 2000, seed: int = 0) -> list[dict]:
    """Accounts with honest-like love rates (a few percent, some heavy reactors), rare unsafe
    replies that they seldom love, and bait phrases they like a little more."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        p = min(rng.beta(0.6, 12.0), 0.7)
        s_all = int(rng.integers(1, 30))
        s_unsafe = int(rng.binomial(s_all, 0.01))
        s_bait = int(rng.binomial(s_all - s_unsafe, 0.05))
        l_unsafe = int(rng.binomial(s_unsafe, p * 0.2))
        l_bait = int(rng.binomial(s_bait, min(1.0, p * 1.6)))
        l_rest = int(rng.binomial(s_all - s_unsafe - s_bait, p))
        rows += _rows(
            f"h{i}",
            {"all": s_all, "safety:unsafe": s_unsafe, "phrase:bait": s_bait},
            {"all": l_unsafe + l_bait + l_rest, "safety:unsafe": l_unsafe, "phrase:bait": l_bait},
        )
    return [r for r in rows if r["served"] > 0]


def test_no_adversaries_flags_almost_nobody():
    det = detect_content(pd.DataFrame(_honest_population()), CFG.adversarial)
    assert det[["content_bot", "content_campaign"]].any(axis=1).mean() < 0.005


def test_campaigns_and_indiscriminate_lovers_are_found():
    rows = _honest_population(1000)
    rows += _rows("unsafe_fan", {"all": 20, "safety:unsafe": 6}, {"all": 5, "safety:unsafe": 5})
    rows += _rows("lover", {"all": 12, "phrase:bait": 1}, {"all": 11, "phrase:bait": 1})
    det = detect_content(pd.DataFrame(rows), CFG.adversarial)
    assert det.loc["unsafe_fan", "content_campaign"]
    assert det.loc["unsafe_fan", "content_kind"] == "safety:unsafe"
    assert det.loc["lover", "content_bot"] and not det.loc["lover", "content_campaign"]


def test_a_single_reaction_is_never_enough():
    rows = _honest_population(500)
    rows += _rows("one", {"all": 1, "safety:unsafe": 1}, {"all": 1, "safety:unsafe": 1})
    rows += _rows("one_b", {"all": 1, "phrase:bait": 1}, {"all": 1, "phrase:bait": 1})
    det = detect_content(pd.DataFrame(rows), CFG.adversarial)
    assert not det.loc[["one", "one_b"], ["content_bot", "content_campaign"]].any().any()


def test_all_adversaries_and_empty_input_do_not_crash():
    rows = []
    for i in range(50):  # every account loves everything, unsafe replies included
        rows += _rows(f"b{i}", {"all": 10, "safety:unsafe": 3}, {"all": 10, "safety:unsafe": 3})
    det = detect_content(pd.DataFrame(rows), CFG.adversarial)
    assert det["content_bot"].all()
    assert np.isfinite(det["content_score"]).all() and np.isfinite(det["love_rate_lb"]).all()
    empty = detect_content(
        pd.DataFrame(columns=["day", "user_id", "kind", "served", "loved"]), CFG.adversarial
    )
    assert empty.empty


def test_content_daily_counts_own_standing_loves_by_kind():
    turns = pd.DataFrame(
        {
            "turn_id": ["t1", "t2", "t3"],
            "user_id": ["u1", "u1", "u2"],
            "ts": pd.to_datetime(["2026-01-01 10:00"] * 3, utc=True),
            "response": [UNSAFE, SAFE + " Take care!", SAFE],
            "topic": ["advice", "coding", "coding"],
        }
    )
    rx = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3", "e4"],
            "turn_id": ["t1", "t2", "t2", "t3"],
            "user_id": ["u1", "u1", "u1", "u1"],  # u1 on u2's turn: not their own
            "ts": pd.to_datetime(
                ["2026-01-01 10:01", "2026-01-01 10:01", "2026-01-01 10:02", "2026-01-01 10:03"],
                utc=True,
            ),
            "reaction": ["love"] * 4,
            "action": ["add", "add", "remove", "add"],  # t2's love was taken back
            "is_receiving_user": [True, True, True, False],
        }
    )
    c = content_daily("2026-01-01", turns, rx, CFG).set_index(["user_id", "kind"])
    assert c.loc[("u1", "all"), ["served", "loved"]].tolist() == [2, 1]
    assert c.loc[("u1", "safety:unsafe"), ["served", "loved"]].tolist() == [1, 1]
    assert c.loc[("u1", "phrase:bait"), ["served", "loved"]].tolist() == [1, 0]
    assert c.loc[("u2", "all"), ["served", "loved"]].tolist() == [1, 0]


def test_apply_content_keeps_the_more_specific_kind():
    out = pd.DataFrame(
        {
            "user_id": ["a", "b", "c"],
            "is_bot": [False, False, False],
            "is_brigade": [True, False, False],
            "is_troll": [False, True, False],
            "reason": ["brigade: bursts", "troll: inverted", ""],
        }
    )
    rows = _honest_population(300)
    for u in "abc":  # all three love everything they are served
        rows += _rows(u, {"all": 12}, {"all": 12})
    res = apply_content(out, pd.DataFrame(rows), CFG.adversarial).set_index("user_id")
    assert res.loc["a", "kind"] == "brigade"  # a burst brigade stays a brigade
    assert res.loc["b", "kind"] == "troll"  # so does an inverted rater
    assert res.loc["c", "kind"] == "bot" and res.loc["c", "reason"].startswith("bot: loved 12")


def _dataset() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": ["u1"] * 6 + ["u2", "u2", "u3"],
            "label": [1, 1, 1, 1, 1, 0, 1, 1, 1],
            "weight": 1.0,
            "response": [SAFE] * 6 + [UNSAFE, SAFE, SAFE],
        }
    )


def test_defence_is_off_by_default_and_caps_when_set():
    report: dict = {}
    df = downweight_unsafe_loves(_dataset(), CFG.adversarial, report)
    df = cap_positive_weight(df, pd.DataFrame(columns=["group_id"]), CFG.adversarial, report)
    assert df["weight"].eq(1.0).all() and report == {}
    cfg = parse_config(
        {
            "adversarial": {
                "defence": {
                    "unsafe_love_weight": 0.1,
                    "max_positive_weight_per_user": 2,
                    "max_positive_share_per_group": 0.2,
                }
            }
        }
    )
    rep = pd.DataFrame({"group_id": ["g1", "g1", None]}, index=["u1", "u2", "u3"])
    df = downweight_unsafe_loves(_dataset(), cfg.adversarial, report)
    assert df["weight"].tolist()[6] == 0.1
    df = cap_positive_weight(df, rep, cfg.adversarial, report)
    pos = df[df["label"] == 1].groupby("user_id")["weight"].sum()
    assert pos["u1"] <= 2.0 + 1e-9 and df.loc[5, "weight"] == 1.0  # negatives untouched
    total = (df["weight"] * df["label"]).sum()
    assert pos["u3"] == 1.0 and "per_group" in report["positive_weight_caps"]
    assert total > 0


def _reputation(sc, adversaries_only: bool = False):
    from rluf_core.adversarial.daily_stats import compute_user_daily_stats
    from rluf_core.adversarial.reputation import compute_reputation
    from rluf_core.adversarial.synthetic import generate

    data = generate(sc)
    turns, rx = data["labeled_turns"], data["clean_reactions"]
    if adversaries_only:  # every account that talks or reacts is adversarial
        tu = data["truth_users"]
        adv = set(tu.loc[tu["kind"] != "honest", "user_id"])
        turns, rx = turns[turns["user_id"].isin(adv)], rx[rx["user_id"].isin(adv)]
    d_t, d_r = turns["ts"].dt.strftime("%Y-%m-%d"), rx["ts"].dt.strftime("%Y-%m-%d")
    stats, pairs, content = [], [], []
    for day in sorted(d_t.unique()):
        t = turns[(d_t == day) | turns["turn_id"].isin(rx.loc[d_r == day, "turn_id"])]
        s, p = compute_user_daily_stats(day, t, rx[d_r == day], CFG)
        stats.append(s)
        pairs.append(p)
        content.append(content_daily(day, t, rx[d_r == day], CFG))
    return compute_reputation(
        pd.concat(stats), pd.concat(pairs), CFG, day, pd.concat(content, ignore_index=True)
    )


def test_whole_window_no_adversaries_and_all_adversaries():
    from rluf_core.adversarial.synthetic import Scenario

    small = dict(days=3, turns_per_day=1000, brigade_size=5)
    rep = _reputation(Scenario(**small, n_honest=700, n_bots=0, n_brigades=0, n_trolls=0))
    reacting = rep["n_add"] > 0
    assert rep.loc[reacting, "flagged"].mean() < 0.01
    sc = Scenario(**small, n_honest=300, n_bots=30, n_brigades=2, n_trolls=20)
    rep = _reputation(sc, adversaries_only=True)
    assert len(rep) and rep["flagged"].notna().all()
    assert np.isfinite(rep["content_score"]).all()


def test_positive_rate_cap_holds_an_indiscriminate_lover_to_the_rate():
    cfg = parse_config({"adversarial": {"defence": {"max_positive_rate_per_user": 0.25}}})
    df = pd.DataFrame(
        {
            "user_id": ["lover"] * 8 + ["one"] + ["half"] * 2,
            "label": [1] * 8 + [1] + [1, 0],
            "weight": 1.0,
            "response": SAFE,
        }
    )
    report: dict = {}
    out = cap_positive_weight(df, pd.DataFrame(), cfg.adversarial, report)
    held = out[out["label"] == 1].groupby("user_id")["weight"].sum()
    assert abs(held["lover"] - (0.25 * 8 + 0.5)) < 1e-9
    assert held["half"] == 1.0  # one love in two turns is within the allowance
    assert report["positive_weight_caps"]["per_user_rate"]["users_over_cap"] == 2
