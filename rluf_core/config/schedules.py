"""`schedules`: the daily ingest sensor and the weekly retraining schedule."""

from __future__ import annotations

from pydantic import Field, field_validator

from rluf_core.config.base import Section


class SchedulesConfig(Section):
    ingest_sensor_enabled: bool = True
    ingest_sensor_interval_seconds: int = Field(300, ge=30)
    retrain_cron: str = "0 3 * * 1"
    retrain_enabled: bool = True
    timezone: str = "UTC"

    @field_validator("retrain_cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        if len(v.split()) != 5:
            raise ValueError("a cron expression has 5 fields")
        return v
