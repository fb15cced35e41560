"""`adversarial`: user reputation and the detectors of adversarial feedback."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class AdversarialConfig(Section):
    enabled: bool = True
    trailing_days: int = Field(14, ge=1)
    action: Literal["drop", "downweight"] = "drop"
    max_labels_per_user_per_day: int = Field(50, ge=1)
