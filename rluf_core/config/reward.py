"""`reward_model`: P[Love], the calibrated classifier of P(love | context, response)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class RewardModelConfig(Section):
    backbone: str = Field("minilm", description="'minilm' (the packaged all-MiniLM-L6-v2), 'tiny', a path or a hub id")
    positive_share: float = Field(0.10, gt=0, lt=1)
    calibration: Literal["temperature", "isotonic"] = "temperature"
    max_length: int = Field(128, ge=8)
    batch_size: int = Field(64, ge=1)
    epochs: int = Field(1, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    max_ece: float = Field(0.02, gt=0)
    model_name: str = "rluf-p-love"
    trust_remote_code: bool = False
