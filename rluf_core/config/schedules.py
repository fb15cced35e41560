"""`schedules`: the daily ingest sensor and the weekly retraining schedule."""

from __future__ import annotations

import zoneinfo

from pydantic import Field, field_validator

from rluf_core.config.base import Section


class DriftConfig(Section):
    """The drift sensor: the latest days of labeled_turns against the trailing days before them."""

    enabled: bool = Field(True, description="the sensor's default status in the Dagster UI")
    interval_seconds: int = Field(3600, ge=30, description="how often the sensor reads the lake")
    recent_days: int = Field(3, ge=1, description="the latest days compared")
    baseline_days: int = Field(14, ge=1, description="the trailing days before them")
    min_baseline_days: int = Field(3, ge=1)
    min_rows: int = Field(1000, ge=1, description="fewer rows on either side: no verdict")
    love_rate_max_ratio: float = Field(1.5, gt=1, description="recent / baseline love rate")
    topic_max_tvd: float = Field(0.15, gt=0, le=1, description="total variation of the topic mix")


class SchedulesConfig(Section):
    ingest_sensor_enabled: bool = True
    ingest_sensor_interval_seconds: int = Field(
        60, ge=30, description="how often landing_sensor looks for new files"
    )
    retrain_cron: str = "0 3 * * 1"
    retrain_enabled: bool = True
    timezone: str = "UTC"
    drift: DriftConfig = Field(default_factory=DriftConfig)

    @field_validator("retrain_cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        fields = v.split()
        if len(fields) != 5:
            raise ValueError("a cron expression has 5 fields")
        for text, (name, lo, hi, names) in zip(fields, _CRON_FIELDS):
            if not all(_cron_item(item, lo, hi, names) for item in text.lower().split(",")):
                raise ValueError(
                    f"cron field {name} {text!r} is not *, a value {lo}-{hi}, a range or a step"
                )
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("not an IANA time zone (e.g. UTC, Europe/Paris)") from None
        return v


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)


def _cron_item(item: str, lo: int, hi: int, names: tuple[str, ...]) -> bool:
    """One comma-separated item of a cron field: *, N, N-M, each optionally /step (names allowed)."""
    base, _, step = item.partition("/")
    if step and not (step.isdigit() and int(step) > 0):
        return False
    if base == "*":
        return True

    def value(t: str) -> int | None:
        if t in names:
            return names.index(t) + (1 if names is _MONTHS else 0)
        return int(t) if t.isdigit() and lo <= int(t) <= hi else None

    ends = [value(t) for t in base.split("-")]
    known = [e for e in ends if e is not None]
    return len(ends) in (1, 2) and len(known) == len(ends) and known[0] <= known[-1]
