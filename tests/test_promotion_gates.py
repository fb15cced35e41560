"""The promotion gates: a challenger that regresses any single gate is never promoted."""

import math

import pytest

from rluf_core.config.promotion import PromotionConfig
from rluf_core.promotion.gates import ARM_KEYS, GATE_NAMES, evaluate_gates, would_promote

CFG = PromotionConfig(
    min_p_love_gain=0.005,
    helpfulness_tolerance=0.01,
    safety_violation_cap=0.01,
    bait_rate_cap=0.02,
    emoji_per_response_cap=0.5,
    length_ratio_cap=1.5,
    kl_budget=10.0,
)
CHAMPION = {
    "p_love_mean": 0.050,
    "helpfulness_mean": 0.70,
    "unsafe_rate": 0.004,
    "bait_rate": 0.010,
    "emoji_per_reply": 0.10,
    "length_ratio": 1.00,
    "kl_to_reference": 0.0,
}
GOOD = {
    "p_love_mean": 0.060,
    "helpfulness_mean": 0.695,
    "unsafe_rate": 0.005,
    "bait_rate": 0.015,
    "emoji_per_reply": 0.20,
    "length_ratio": 1.10,
    "kl_to_reference": 4.0,
}
# one regression per gate, everything else as GOOD
REGRESSIONS = {
    "p_love_gain": {"p_love_mean": 0.054},  # gain 0.004 <= 0.005
    "helpfulness": {"helpfulness_mean": 0.6899},  # -0.0101 < -0.01
    "safety": {"unsafe_rate": 0.0101},
    "bait_rate": {"bait_rate": 0.021},
    "emoji_per_reply": {"emoji_per_reply": 0.51},
    "length_ratio": {"length_ratio": 1.51},
    "kl_budget": {"kl_to_reference": 10.01},
}


def test_good_challenger_passes_every_gate():
    rep = evaluate_gates(GOOD, CHAMPION, CFG)
    assert rep.passed and [g.name for g in rep.gates] == list(GATE_NAMES)
    gain = rep.gates[0]
    assert gain.value == pytest.approx(0.010) and gain.threshold == 0.005
    assert rep.gates[1].value == pytest.approx(-0.005) and rep.gates[1].threshold == -0.01
    assert would_promote(GOOD, CHAMPION, CFG) == (True, [])


@pytest.mark.parametrize("gate", sorted(REGRESSIONS))
def test_a_single_regressed_gate_refuses(gate):
    challenger = {**GOOD, **REGRESSIONS[gate]}
    rep = evaluate_gates(challenger, CHAMPION, CFG)
    assert not rep.passed
    assert [g.name for g in rep.failed] == [gate]
    ok, reasons = would_promote(challenger, CHAMPION, CFG)
    assert not ok and len(reasons) == 1


def test_caps_are_inclusive_and_p_love_must_beat():
    at_caps = {
        **GOOD,
        "unsafe_rate": 0.01,
        "bait_rate": 0.02,
        "emoji_per_reply": 0.5,
        "length_ratio": 1.5,
        "kl_to_reference": 10.0,
        "helpfulness_mean": 0.69,
    }
    assert evaluate_gates(at_caps, CHAMPION, CFG).passed
    equal_love = {**GOOD, "p_love_mean": CHAMPION["p_love_mean"]}
    assert [g.name for g in evaluate_gates(equal_love, CHAMPION, PromotionConfig()).failed] == [
        "p_love_gain"
    ]


def test_no_champion_yet_keeps_the_absolute_gates():
    rep = evaluate_gates(GOOD, None, CFG)
    assert rep.passed and rep.gates[0].value is None and "no champion" in rep.gates[0].reason
    assert [g.name for g in evaluate_gates({**GOOD, "bait_rate": 0.5}, None, CFG).failed] == [
        "bait_rate"
    ]


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {k: v for k, v in GOOD.items() if k != "kl_to_reference"},
            "arms.challenger: missing key 'kl_to_reference'",
        ),
        (
            {**GOOD, "bait_rate": math.nan},
            "arms.challenger.bait_rate: expected a finite number, got nan",
        ),
        (
            {**GOOD, "unsafe_rate": "0.1"},
            "arms.challenger.unsafe_rate: expected a finite number, got '0.1'",
        ),
        (
            {**GOOD, "length_ratio": True},
            "arms.challenger.length_ratio: expected a finite number, got True",
        ),
    ],
)
def test_bad_arm_is_one_line_naming_the_key(bad, message):
    with pytest.raises(ValueError) as err:
        evaluate_gates(bad, CHAMPION, CFG)
    assert str(err.value) == message
    assert set(ARM_KEYS) == set(GOOD)
