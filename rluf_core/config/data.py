"""`labels`, `quality` and `privacy`: how raw events become labelled, validated, pseudonymous turns."""

from __future__ import annotations

import os

from pydantic import Field

from rluf_core.config.base import Section


class LabelsConfig(Section):
    positive_reaction: str = "love"
    window_hours: float = Field(24.0, gt=0)
    receiving_user_only: bool = True
    late_arrival_days: int = Field(
        1,
        ge=0,
        description="extra reaction partitions read past the label window (events landing late)",
    )


class QualityConfig(Section):
    late_tolerance_hours: float = Field(48.0, ge=0)
    future_tolerance_minutes: float = Field(
        60.0, ge=0, description="clock skew allowed past the day's end"
    )
    max_text_chars: int = Field(100_000, ge=1)
    volume_trailing_days: int = Field(7, ge=1)
    volume_max_ratio: float = Field(10.0, gt=1)
    love_rate_max_ratio: float = Field(
        3.0, gt=1, description="love rate vs trailing median, either way"
    )
    max_bad_row_fraction: float = Field(
        0.05, ge=0, le=1, description="raw checks fail when more rows than this are malformed"
    )
    max_duplicate_fraction: float = Field(
        0.2, ge=0, le=1, description="repeated event ids tolerated in raw"
    )
    min_rows_for_rates: int = Field(
        200, ge=1, description="fewer turns than this: the love-rate check is skipped"
    )
    gate_failed_partitions: bool = Field(
        True,
        description="clean assets refuse a day whose raw quality check failed (set false to override)",
    )
    known_reactions: list[str] = [
        "love",
        "like",
        "haha",
        "wow",
        "sad",
        "angry",
        "thumbs_up",
        "thumbs_down",
        "care",
    ]
    lookback_days: int = Field(2, ge=0, description="days of earlier turns a reaction may refer to")


class PrivacyConfig(Section):
    pseudonym_key: str = Field(
        default_factory=lambda: os.environ.get("RLUF_PSEUDONYM_KEY") or "rluf-dev-key",
        repr=False,
        description="key of the keyed hash that pseudonymises user ids; never logged",
    )
