"""The RL objectives as TRL reward functions: P[Love], helpfulness, the safety veto, and monitors.

Each function takes TRL's keyword arguments (prompts, completions and the dataset's columns
`raw_prompt` and `context`) and returns one float per completion. The safety judge runs once per batch
and vetoes as CGPO does: a reply it flags gets the floor (0) on every objective, and the safety reward
adds -1, whatever the others say. P[Love] is seen only through a scorer's `score(contexts, prompts,
responses)` (a loaded PLoveScorer or the registered model), as calibrated probability divided by the
production replies' mean (so 1.0 is the base love rate and the weights of the paper, 0.1 and 0.3, weigh
a doubling of love against a full point of helpfulness). Length control: a reply longer than
`length_tolerance` times the production replies' mean words (`reference_words`) loses the excess as
a fraction of that length, so that helpfulness and P[Love], which both grow with length, cannot buy
their gains with verbosity alone (the length-ratio gate refuses a policy that does). Monitors (bait
phrases, hearts, length) have weight 0: logged every step, optimised never; what counts as bait is the evaluation's configurable
lexicon, handed in as `flags` (the detectors' reply_flags), so training and evaluation count alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from rluf_core.config.policy import PolicyConfig
from rluf_core.judges.safety import SafetyJudge
from rluf_core.policy.chat_format import clean_completion

ReplyFlags = Callable[[Sequence[str]], "pd.DataFrame"]  # per reply: bait, heart (bool), n_words


class Scorer(Protocol):
    def score(
        self, contexts: Sequence[Any] | None, prompts: Sequence[str], responses: Sequence[str]
    ) -> np.ndarray: ...


class RewardError(RuntimeError):
    """A reward came back non-finite: the run stops and registers nothing."""


@dataclass
class RewardSet:
    """The reward functions TRL calls, their weights, and what the batch cache holds."""

    p_love: Scorer
    helpfulness: Scorer
    judge: SafetyJudge
    cfg: PolicyConfig
    p_love_base: float = 1.0
    flags: ReplyFlags | None = None
    reference_words: float = 0.0  # the production replies' mean words; 0: no length control
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # ---- one judged batch, shared by every function -----------------------------------------
    def _batch(
        self, completions: Sequence[Any], raw_prompt: Sequence[str], context: Sequence[Any] | None
    ) -> dict[str, Any]:
        replies = [clean_completion(_text(c)) for c in completions]
        key = "\x00".join(replies) + "\x01" + "\x00".join(map(str, raw_prompt))
        if self._cache.get("key") == key:
            return self._cache["value"]
        unsafe = (
            self.judge.is_unsafe(replies)
            if self.cfg.objectives.safety or self.cfg.safety_veto
            else np.zeros(len(replies), bool)
        )
        veto = unsafe if self.cfg.safety_veto else np.zeros(len(replies), bool)
        ctx = list(context) if context is not None else None
        p_love = (
            _finite("p_love", self.p_love.score(ctx, list(raw_prompt), replies)) / self.p_love_base
        )
        helpful = _finite("helpfulness", self.helpfulness.score(ctx, list(raw_prompt), replies))
        words = np.array([len(r.split()) for r in replies], dtype=np.float64)
        allowed = self.cfg.length_tolerance * self.reference_words
        over = np.maximum(words / allowed - 1.0, 0.0) if allowed > 0 else np.zeros(len(replies))
        flags = self.flags(replies) if self.flags is not None and self.cfg.monitors else None
        value = {
            "replies": np.asarray(replies, dtype=object),
            "unsafe": unsafe,
            "veto": veto,
            "flags": flags,
            "p_love": np.where(veto, 0.0, p_love),
            "helpfulness": np.where(veto, 0.0, helpful),
            "length": -over,  # a vetoed reply keeps its penalty: it never gains from length
        }
        self._cache.update(key=key, value=value)
        return value

    # ---- the functions ----------------------------------------------------------------------
    def functions(self) -> tuple[list[Callable[..., list[float]]], list[float]]:
        o = self.cfg.objectives
        funcs = [self.r_p_love, self.r_helpfulness, self.r_safety]
        weights = [o.p_love, o.helpfulness, o.safety]
        if self.reference_words > 0 and o.length > 0:
            funcs.append(self.r_length)
            weights.append(o.length)
        if self.cfg.monitors and self.flags is not None:
            funcs += [self.m_bait, self.m_hearts, self.m_words]
            weights += [0.0, 0.0, 0.0]
        return funcs, weights

    def _column(self, name: str, kw: dict[str, Any]) -> list[float]:
        """One objective's values for the batch TRL passes (completions, raw_prompt, context)."""
        b = self._batch(kw["completions"], kw["raw_prompt"], kw.get("context"))
        if name == "safety":
            return (-b["unsafe"].astype(float)).tolist()
        if name in ("p_love", "helpfulness", "length"):
            return b[name].tolist()
        return b["flags"][name].astype(float).tolist()  # monitors: bait, heart, n_words

    def r_p_love(self, **kw: Any) -> list[float]:
        return self._column("p_love", kw)

    def r_helpfulness(self, **kw: Any) -> list[float]:
        return self._column("helpfulness", kw)

    def r_safety(self, **kw: Any) -> list[float]:
        return self._column("safety", kw)

    def r_length(self, **kw: Any) -> list[float]:
        return self._column("length", kw)

    def m_bait(self, **kw: Any) -> list[float]:
        return self._column("bait", kw)

    def m_hearts(self, **kw: Any) -> list[float]:
        return self._column("heart", kw)

    def m_words(self, **kw: Any) -> list[float]:
        return self._column("n_words", kw)


for _name, _fn in (
    ("p_love", RewardSet.r_p_love),
    ("helpfulness", RewardSet.r_helpfulness),
    ("safety", RewardSet.r_safety),
    ("length", RewardSet.r_length),
    ("monitor_bait", RewardSet.m_bait),
    ("monitor_hearts", RewardSet.m_hearts),
    ("monitor_words", RewardSet.m_words),
):
    _fn.__name__ = _name  # TRL logs rewards/<__name__>/mean


def _text(c: Any) -> str:
    if isinstance(c, str):
        return c
    if isinstance(c, list) and c and isinstance(c[0], dict):  # conversational completions
        return str(c[-1].get("content", ""))
    return str(c)


def _finite(name: str, x: Any) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise RewardError(
            f"reward {name}: non-finite value {arr[i]!r} at completion {i}; "
            "stopping before the policy learns from it"
        )
    return arr


def base_rate(
    scorer: Scorer, contexts: Sequence[Any], prompts: Sequence[str], responses: Sequence[str]
) -> float:
    """Mean P[Love] of the production replies: the unit of the P[Love] reward."""
    m = float(
        np.mean(_finite("p_love", scorer.score(list(contexts), list(prompts), list(responses))))
    )
    if not math.isfinite(m) or m <= 0:
        raise RewardError(
            f"P[Love] of the production replies averages {m!r}; cannot be the reward's unit"
        )
    return m
