"""`labels`, `quality` and `privacy`: how raw events become labelled, validated, pseudonymous turns."""

from __future__ import annotations

import os

from pydantic import Field

from rluf_core.config.base import Section


class LabelsConfig(Section):
    positive_reaction: str = "love"
    window_hours: float = Field(24.0, gt=0)
    receiving_user_only: bool = True


class QualityConfig(Section):
    late_tolerance_hours: float = Field(48.0, ge=0)
    max_text_chars: int = Field(100_000, ge=1)
    volume_trailing_days: int = Field(7, ge=1)
    volume_max_ratio: float = Field(10.0, gt=1)
    known_reactions: list[str] = [
        "love", "like", "haha", "wow", "sad", "angry", "thumbs_up", "thumbs_down", "care",
    ]


class PrivacyConfig(Section):
    pseudonym_key: str = Field(
        default_factory=lambda: os.environ.get("RLUF_PSEUDONYM_KEY") or "rluf-dev-key",
        repr=False,
        description="key of the keyed hash that pseudonymises user ids; never logged",
    )
