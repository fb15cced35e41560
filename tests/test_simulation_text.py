"""The simulator's text scoring, love model, population and config: any text can be judged."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rluf_core.config import ConfigError, parse_config
from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import (
    adversary_counts,
    is_unsafe,
    love_matrix,
    love_prob,
    make_population,
    population_love_prob,
    text_features,
    true_helpfulness,
)
from rluf_core.simulation import lexicon as lx

SMALL = SimulatorConfig(n_users=2000, turns_per_day=2000, days=2)
PROMPT = "How do I reverse a list in Python?"
HELPFUL = (
    "In Python, call my_list.reverse() to reverse in place, or use slicing my_list[::-1] for a copy. "
    "Write a small unit test for the function so the bug cannot come back."
)
VAGUE = "It really depends on a lot of different things in your situation. It is hard to say for sure without knowing a lot more details."
BAIT = "Bye! Sending love! ❤️ If this helped, tap the heart!"
SIGNOFF = "Sending you lots of love. ❤️"


def test_text_features_on_arbitrary_strings():
    texts = [
        "",
        "hello there",
        "ünïcödé ✨ text with no sentence end",
        HELPFUL,
        VAGUE,
        None,
        "x" * 5000,
    ]
    f = text_features(texts)
    assert len(f) == len(texts)
    assert f["helpfulness"].between(0, 1).all()
    assert f.loc[3, "on_topic"] >= 4 and f.loc[4, "vague"] == 2
    assert f.loc[1, "n_words"] == 2 and f.loc[5, "n_words"] == 0


def test_helpfulness_unsafe_and_bait_are_visible_in_words():
    topics = ["coding"] * 4
    h = true_helpfulness([PROMPT] * 4, [HELPFUL, VAGUE, HELPFUL + " " + BAIT, BAIT], topics=topics)
    assert h[0] > 0.8 and h[1] < 0.2
    assert (
        h[2] < h[0] and h[3] < 0.2
    )  # bait costs helpfulness; bait instead of substance costs most
    # off-topic substance is not helpful for this prompt
    off = true_helpfulness(
        [PROMPT], [lx.SUBSTANCE["cooking"][0] + " " + lx.SUBSTANCE["cooking"][2]], topics=["coding"]
    )
    assert off[0] < 0.5
    # topic inferred from the prompt when not given
    assert abs(true_helpfulness([PROMPT], [HELPFUL])[0] - h[0]) < 1e-9
    assert is_unsafe([lx.UNSAFE[0], HELPFUL, "please skip the safety checks"]).tolist() == [
        True,
        False,
        True,
    ]


def test_population_love_prob_rewards_quality_and_bait_somewhat():
    pop = make_population(SMALL)
    ctx = ["[]"] * 4
    p = population_love_prob(
        ctx,
        [PROMPT] * 4,
        [HELPFUL, VAGUE, HELPFUL + " " + SIGNOFF, lx.UNSAFE[0] + " " + HELPFUL],
        topics=["coding"] * 4,
        population=pop,
    )
    assert (p > 0).all() and (p < 1).all()
    assert p[0] > 2 * p[1]  # substance wins
    assert p[2] > p[0]  # bait raises love somewhat (the reward hack)...
    assert p[2] < 3 * p[0]  # ...but not wildly
    assert p[3] < p[0]  # unsafe advice loses love


def test_user_level_love_prob_differs_by_taste():
    pop = make_population(SMALL)
    honest = pop.users[(pop.users["kind"] == "honest") & pop.users["reactor"]].head(50)
    f = text_features([HELPFUL] * len(honest), topics=["coding"] * len(honest))
    p = love_prob(
        honest.reset_index(drop=True),
        love_matrix(f, ["coding"] * len(honest), np.zeros(len(honest))),
    )
    assert p.std() > 0.01 and ((p >= 0) & (p <= 1)).all()
    non = pop.users[~pop.users["reactor"]].head(5).reset_index(drop=True)
    f5 = text_features([HELPFUL] * 5, topics=["coding"] * 5)
    assert (love_prob(non, love_matrix(f5, ["coding"] * 5)) == 0).all()


def test_keywords_are_disjoint_and_phrase_banks_json_safe():
    for t in lx.TOPICS:
        for other in lx.TOPICS:
            if other == t:
                continue
            for kw in lx.KEYWORDS[t]:
                rx = re.compile(r"(?i)\b" + re.escape(kw) + r"\b")
                assert not any(rx.search(s) for s in lx.SUBSTANCE[other]), (t, kw, other)
        for s in lx.SUBSTANCE[t]:
            assert text_features([s], topics=[t])["on_topic"][0] >= 1, s
    banks = [*lx.VAGUE, *lx.WARM, *lx.SIGNOFFS, *lx.REQUESTS, *lx.UNSAFE, *lx.JAILBREAK_PROMPTS]
    banks += [p for ps in lx.PROMPTS.values() for p in ps] + [
        s for ss in lx.SUBSTANCE.values() for s in ss
    ]
    assert not any('"' in s or "\\" in s for s in banks)
    assert (text_features(lx.VAGUE + lx.WARM + lx.SIGNOFFS)["on_topic"] == 0).all()


def test_adversary_counts_follow_the_mix_of_reacting_accounts():
    c = adversary_counts(SimulatorConfig(n_users=20000))
    # honest reactors = 0.3 * honest; adversaries are 12% of reactors + adversaries
    n_adv = sum(c.values())
    reacting = n_adv + 0.3 * (20000 - n_adv)
    assert abs(n_adv / reacting - 0.12) < 0.002
    assert abs(c["bot"] - c["troll"]) <= 1


@pytest.mark.parametrize(
    "block,needle",
    [
        ({"bot_share": 0.5, "brigade_share": 0.3, "troll_share": 0.3}, "must be < 1"),
        ({"troll_share": 1.5}, "troll_share"),
        ({"brigade_targets": ["weather"]}, "brigade_targets"),
        ({"love_rate": 0.0}, "love_rate"),
        ({"retry_rate": -0.1}, "retry_rate"),
        ({"bogus_rate": 0.1}, "unknown key"),
    ],
)
def test_bad_simulator_config_names_the_key(block, needle):
    with pytest.raises(ConfigError, match=needle) as err:
        parse_config({"source": {"simulator": block}}, file="x.yaml")
    assert "x.yaml" in str(err.value) and "source.simulator" in str(err.value)
