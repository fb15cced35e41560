"""`adversarial.defence`: caps and down-weights in feedback_dataset for what detectors miss."""

from __future__ import annotations

from pydantic import Field

from rluf_core.config.base import Section


class DefenceConfig(Section):
    """Defence in depth (issue 31): bounds on what unflagged adversarial accounts can contribute."""

    unsafe_love_weight: float = Field(
        1.0,
        ge=0,
        le=1,
        description="weight factor of a love on a reply the rule-based safety judge flags (1: off)",
    )
    max_positive_weight_per_user: float | None = Field(
        None, gt=0, description="most positive label weight one account holds (null: no cap)"
    )
    max_positive_rate_per_user: float | None = Field(
        None,
        gt=0,
        le=1,
        description="an account's positive label weight is held to this share of its labelled "
        "turns (plus half a love), so that an indiscriminate lover weighs like a heavy honest one "
        "(null: off)",
    )
    max_positive_share_per_group: float | None = Field(
        None,
        gt=0,
        le=1,
        description="most of all positive label weight one group of linked accounts holds "
        "(user_reputation's group_id; null: no cap)",
    )
