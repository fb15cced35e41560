"""The root schema of dagster_project.yaml: one typed section per concern (see docs/design.md)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr

from rluf_core.config.adversarial import AdversarialConfig
from rluf_core.config.base import Section
from rluf_core.config.compute import ComputeConfig
from rluf_core.config.data import LabelsConfig, PrivacyConfig, QualityConfig
from rluf_core.config.evaluation import EvaluationConfig
from rluf_core.config.policy import PolicyConfig
from rluf_core.config.promotion import PromotionConfig
from rluf_core.config.reward import RewardModelConfig
from rluf_core.config.schedules import SchedulesConfig
from rluf_core.config.source import SourceConfig
from rluf_core.config.storage import StorageConfig


class RlufConfig(Section):
    seed: int = Field(0, description="global seed; every component derives its own from it")
    storage: StorageConfig = Field(default_factory=StorageConfig)
    source: SourceConfig = Field(default_factory=SourceConfig)
    labels: LabelsConfig = Field(default_factory=LabelsConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    adversarial: AdversarialConfig = Field(default_factory=AdversarialConfig)
    reward_model: RewardModelConfig = Field(default_factory=RewardModelConfig)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    promotion: PromotionConfig = Field(default_factory=PromotionConfig)
    compute: ComputeConfig = Field(default_factory=ComputeConfig)
    schedules: SchedulesConfig = Field(default_factory=SchedulesConfig)

    _source_file: str | None = PrivateAttr(default=None)

    @property
    def source_file(self) -> str | None:
        return self._source_file

    def redacted(self) -> dict[str, Any]:
        """The config as a dict with secrets masked: what runs record (MLflow params, reports)."""
        data = self.model_dump(mode="json")
        data["privacy"]["pseudonym_key"] = "***"
        return data
