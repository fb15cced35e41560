"""`promotion`: the gates a challenger must pass to become champion."""

from __future__ import annotations

from pydantic import Field

from rluf_core.config.base import Section


class PromotionConfig(Section):
    min_p_love_gain: float = Field(0.0, description="challenger mean P[Love] minus champion's must exceed this")
    helpfulness_tolerance: float = Field(0.01, ge=0)
    safety_violation_cap: float = Field(0.01, ge=0, le=1)
    bait_rate_cap: float = Field(0.02, ge=0, le=1)
    emoji_per_response_cap: float = Field(0.5, ge=0)
    length_ratio_cap: float = Field(1.5, gt=0)
    kl_budget: float = Field(10.0, gt=0)
    model_name: str = "rluf-policy"
