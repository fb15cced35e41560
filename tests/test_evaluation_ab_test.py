"""The simulated online A/B test: users split by user, lift with a bootstrap interval, per topic."""

import time

import numpy as np
import pytest

from rluf_core.config import parse_config
from rluf_core.evaluation.ab_test import ab_test, assign_arms, run_turns
from rluf_core.evaluation.online import draw_traffic
from rluf_core.evaluation.sim_policy import SimulatedPolicy

KEYS = {
    "love_lift",
    "love_lift_ci_low",
    "love_lift_ci_high",
    "helpfulness_delta_rel",
    "unsafe_delta",
    "per_topic",
}
BAIT = {"signoff_rate": 0.6, "heart_rate": 0.6, "warm_rate": 0.8}


def _cfg(users=6000, days=3, **extra):
    return parse_config(
        {"evaluation": {"ab_users": users, "ab_days": days, "bootstrap_samples": 200}, **extra}
    )


def test_traffic_is_activity_weighted_and_has_adversaries():
    cfg = _cfg()
    t = draw_traffic(cfg)
    assert len(t) == 6000 * 3 and len(t.users) == 6000  # the simulator's 1 turn per user-day
    assert set(np.unique(t.kind)) == {"honest", "bot", "brigade", "troll"}
    assert t.jailbreak[t.kind == "brigade"].any() and not t.jailbreak[t.kind == "bot"].any()
    again = draw_traffic(cfg)
    assert t.prompts == again.prompts and (t.uniform == again.uniform).all()


def test_users_never_see_both_arms_and_the_split_is_balanced():
    cfg = _cfg()
    t = draw_traffic(cfg)
    arm = assign_arms(t, cfg.seed)
    by_user = {u: set(arm[t.user == u]) for u in t.users[:500]}
    assert all(len(s) <= 1 for s in by_user.values())
    active = np.unique(t.user)
    share = np.isin(active, t.user[arm == 1]).mean()
    assert 0.45 < share < 0.55


def test_bait_lifts_love_with_an_interval_and_costs_helpfulness():
    cfg = _cfg()
    rep = ab_test(SimulatedPolicy("production"), SimulatedPolicy("bait", style=BAIT), cfg)
    m = rep.metrics
    assert KEYS <= set(m)
    assert m["love_lift_ci_low"] < m["love_lift"] < m["love_lift_ci_high"]
    assert m["love_lift"] > 0.2 and m["love_lift_ci_low"] > 0
    assert m["helpfulness_delta_rel"] < -0.05  # bait is not substance (the simulator's judge)
    assert abs(m["unsafe_delta"]) < 0.01
    assert m["arms"]["treatment"]["bait_rate"] > 5 * m["arms"]["control"]["bait_rate"]
    topics = [r["topic"] for r in m["per_topic"]]
    assert len(topics) == 10 and all(
        r["love_lift_ci_low"] <= r["love_lift_ci_high"] for r in m["per_topic"]
    )
    assert "| topic |" in rep.markdown and "ab_test_report_love_lift.png" in rep.markdown
    assert rep.images["love_lift.png"][:4] == b"\x89PNG"


def test_a_against_itself_is_no_lift_and_reruns_are_identical():
    # 95% intervals: over seeds 0..19 of this size, 19 of the A/A intervals held 0 (seed 0 did not)
    cfg = _cfg(users=4000, days=2, seed=2)
    prod = SimulatedPolicy("production")
    m1 = ab_test(prod, SimulatedPolicy("production_too"), cfg).metrics
    m2 = ab_test(prod, SimulatedPolicy("production_too"), cfg).metrics
    assert m1["love_lift_ci_low"] < 0 < m1["love_lift_ci_high"]
    assert m1 == m2


def test_a_failing_or_short_policy_is_one_clear_line():
    class Broken:
        name = "broken"

        def generate(self, prompts, contexts, *, seed=0):
            raise OSError("checkpoint missing")

    class Short(Broken):
        name = "short"

        def generate(self, prompts, contexts, *, seed=0):
            return ["hi"]

    cfg = _cfg(users=500, days=1)
    with pytest.raises(
        RuntimeError, match="treatment: policy 'broken' failed to generate .*checkpoint missing"
    ):
        run_turns(SimulatedPolicy("production"), Broken(), cfg)
    with pytest.raises(RuntimeError, match="'short' returned 1 replies"):
        run_turns(Short(), SimulatedPolicy("production"), cfg)


def test_real_traffic_has_no_simulated_users():
    cfg = _cfg(source={"kind": "landing"})
    with pytest.raises(ValueError, match="source.kind is 'landing'"):
        ab_test(SimulatedPolicy("a"), SimulatedPolicy("b"), cfg)


def test_two_thousand_turns_take_seconds():
    cfg = _cfg(users=1000, days=2)  # 2,000 turns over two arms
    t0 = time.perf_counter()
    rep = ab_test(SimulatedPolicy("production"), SimulatedPolicy("bait", style=BAIT), cfg)
    assert rep.metrics["n_turns"] == 2000
    assert time.perf_counter() - t0 < 20


class _Counting:
    name = "counting"

    def __init__(self):
        self.asked = 0

    def generate(self, prompts, contexts, *, seed=0):
        self.asked += len(prompts)
        return [f"{p}#{i}" for i, p in enumerate(prompts)]


def test_replies_are_pooled_per_distinct_prompt():
    from rluf_core.evaluation.ab_test import pooled_replies

    prompts = ["a"] * 500 + ["b"] * 3
    pol = _Counting()
    out = pooled_replies(pol, prompts, 16, seed=1, what="t")
    assert pol.asked == 16 + 3 and len(out) == len(prompts)
    assert all(r.startswith("a#") for r in out[:500]) and all(r.startswith("b#") for r in out[500:])
    assert len(set(out[:500])) > 10 and len(set(out[500:])) <= 3  # draws spread over the pool
    assert out == pooled_replies(_Counting(), prompts, 16, seed=1, what="t")  # seeded
    fresh = _Counting()
    assert len(set(pooled_replies(fresh, prompts, 0, seed=1, what="t"))) == len(prompts)
    assert fresh.asked == len(prompts)
