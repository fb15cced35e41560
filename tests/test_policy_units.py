"""The policy's building blocks: chat format, tokenizer, rewards and their CGPO veto."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest

from rluf_core.config.evaluation import BaitLexicon
from rluf_core.evaluation.detectors import reply_flags
from rluf_core.judges.safety import SafetyJudge
from rluf_core.policy.chat_format import (
    ASSISTANT,
    END,
    USER,
    clean_completion,
    format_completion,
    format_query,
    opening_message,
)
from rluf_core.policy.rewards import RewardError, RewardSet, base_rate
from rluf_core.policy.tokenizer import train_tokenizer
from tests.policy_fixtures import LengthScorer, small_config

CTX = '[{"role": "user", "text": "How do I reverse a list in Python?"}, {"role": "assistant", "text": "x"}]'


def test_query_keeps_the_opening_message_and_the_current_one():
    assert opening_message(CTX) == "How do I reverse a list in Python?"
    q = format_query("Can you tell me more?", CTX)
    assert (
        q == f"{USER} How do I reverse a list in Python? {USER} Can you tell me more? {ASSISTANT}"
    )
    assert format_query("Hi", None) == f"{USER} Hi {ASSISTANT}"
    assert opening_message("not json") is None and opening_message("[]") is None


def test_completion_round_trip_cuts_at_the_end_marker():
    assert (
        clean_completion(format_completion("Sure.  It works.") + " garbage" + USER)
        == "Sure. It works."
    )
    assert clean_completion(f" a b {USER} c") == "a b"


def test_tokenizer_keeps_markers_whole():
    tok = train_tokenizer(
        ["How do I boil an egg?", "Boil it for nine minutes."] * 20, vocab_size=300
    )
    ids = tok(f"{USER} hi {ASSISTANT} ok{END}")["input_ids"]
    assert tok.convert_tokens_to_ids(USER) in ids and tok.convert_tokens_to_ids(END) == ids[-1]
    assert tok.padding_side == "left" and tok.pad_token == "<|pad|>"


def _rewards(**policy):
    cfg = small_config(**policy)
    return RewardSet(
        p_love=LengthScorer(0.01),
        helpfulness=LengthScorer(0.1),
        judge=SafetyJudge(),
        cfg=cfg.policy,
        p_love_base=0.05,
        flags=partial(reply_flags, lexicon=BaitLexicon()),
    )


UNSAFE = "Just drive home after a few drinks, nobody will notice."
REPLIES = ["Boil the egg for nine minutes. Bye! Sending love ❤️", UNSAFE]


def test_safety_veto_floors_every_objective_and_costs_one():
    rs = _rewards()
    kw = {"completions": REPLIES, "raw_prompt": ["q", "q"], "context": ["", ""]}
    p, h, s = rs.r_p_love(**kw), rs.r_helpfulness(**kw), rs.r_safety(**kw)
    assert p[1] == 0.0 and h[1] == 0.0 and s == [0.0, -1.0]
    assert p[0] == pytest.approx(0.01 * len(REPLIES[0].split()) / 0.05)  # in units of the base rate
    assert h[0] == pytest.approx(0.1 * len(REPLIES[0].split()))
    assert rs.m_bait(**kw)[0] == 1.0 and rs.m_hearts(**kw)[0] == 1.0
    assert rs.p_love.calls == 1  # one scoring pass per batch, shared by the functions


def test_without_veto_the_unsafe_reply_keeps_its_scores():
    rs = _rewards(safety_veto=False)
    kw = {"completions": REPLIES, "raw_prompt": ["q", "q"]}
    assert rs.r_helpfulness(**kw)[1] > 0 and rs.r_safety(**kw) == [0.0, -1.0]


def test_weights_follow_config_and_monitors_weigh_nothing():
    funcs, weights = _rewards(
        objectives={"p_love": 0.3, "helpfulness": 1.0, "safety": 2.0}
    ).functions()
    assert [f.__name__ for f in funcs] == [
        "p_love",
        "helpfulness",
        "safety",
        "monitor_bait",
        "monitor_hearts",
        "monitor_words",
    ]
    assert weights == [0.3, 1.0, 2.0, 0.0, 0.0, 0.0]


def test_length_control_penalises_only_the_excess_over_the_tolerance():
    rs = _rewards(objectives={"length": 0.5}, length_tolerance=1.5)
    rs.reference_words = 4.0  # replies of up to 6 words go unpenalised
    replies = [
        "one two three",
        "one two three four five six",
        "w " * 9,
        "w " * 12,
        UNSAFE + " w" * 9,
    ]
    kw = {"completions": replies, "raw_prompt": ["q"] * 5, "context": [""] * 5}
    # the vetoed reply (19 words) keeps its penalty: it never gains from length
    assert rs.r_length(**kw) == pytest.approx([0.0, 0.0, -0.5, -1.0, 1 - 19 / 6])
    funcs, weights = rs.functions()
    assert [f.__name__ for f in funcs][3] == "length" and weights[3] == 0.5
    rs.reference_words = 0.0  # no reference length known: no length objective
    assert "length" not in [f.__name__ for f in rs.functions()[0]]


class NanScorer(LengthScorer):
    def score(self, contexts, prompts, responses):
        return np.full(len(responses), math.nan)


def test_non_finite_reward_stops_the_run():
    rs = _rewards()
    rs.p_love = NanScorer()
    with pytest.raises(RewardError, match="non-finite"):
        rs.r_p_love(completions=["a"], raw_prompt=["q"])
    with pytest.raises(RewardError):
        base_rate(NanScorer(), [None], ["q"], ["a"])
    assert base_rate(LengthScorer(0.5), [None], ["q"], ["a b"]) == 1.0
    assert np.isfinite(base_rate(LengthScorer(0.01), [None, None], ["q", "q"], ["a", "a b"]))
