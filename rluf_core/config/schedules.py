"""`schedules`: the daily ingest sensor and the weekly retraining schedule."""

from __future__ import annotations

import zoneinfo

from pydantic import Field, field_validator

from rluf_core.config.base import Section


class SchedulesConfig(Section):
    ingest_sensor_enabled: bool = True
    ingest_sensor_interval_seconds: int = Field(60, ge=30, description="how often landing_sensor looks for new files")
    retrain_cron: str = "0 3 * * 1"
    retrain_enabled: bool = True
    timezone: str = "UTC"

    @field_validator("retrain_cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        fields = v.split()
        if len(fields) != 5:
            raise ValueError("a cron expression has 5 fields")
        for text, (name, lo, hi, names) in zip(fields, _CRON_FIELDS):
            if not all(_cron_item(item, lo, hi, names) for item in text.lower().split(",")):
                raise ValueError(f"cron field {name} {text!r} is not *, a value {lo}-{hi}, a range or a step")
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
_CRON_FIELDS = (("minute", 0, 59, ()), ("hour", 0, 23, ()), ("day of month", 1, 31, ()),
                ("month", 1, 12, _MONTHS), ("day of week", 0, 7, _DAYS))


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
