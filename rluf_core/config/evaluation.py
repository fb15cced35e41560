"""`evaluation`: offline evaluation and the simulated A/B test."""

from __future__ import annotations

from pydantic import Field

from rluf_core.config.base import Section


class EvaluationConfig(Section):
    fixed_prompts: int = Field(2000, ge=10)
    ab_users: int = Field(20000, ge=100)
    ab_days: int = Field(7, ge=1)
    bootstrap_samples: int = Field(1000, ge=100)
    bait_lexicon: list[str] = ["bye", "sending love", "❤", "♥", "😍", "react", "hit the heart"]
