"""Held days: landing days whose raw quality check failed, so cleaning and retraining leave them
out.

A day is held while the stored result of raw_turns or raw_reactions for it failed (the gate of
`require_passed`); it is released when the day is re-ingested and its raw checks pass.
"""

from __future__ import annotations

from rluf_core.lake import Lake
from rluf_core.quality.validate import stored_result

RAW_DATASETS = ("raw_turns", "raw_reactions")


def held_datasets(lake: Lake, day: str) -> list[str]:
    """The raw datasets of `day` whose stored quality result failed (empty: the day is not held)."""
    return [
        name
        for name in RAW_DATASETS
        if (r := stored_result(lake, name, day)) is not None and not r.success
    ]


def held_days(lake: Lake) -> dict[str, list[str]]:
    """Every held day of the lake: {day: [failed raw datasets]}, sorted by day."""
    days = sorted(set(lake.dataset_days("raw_turns")) | set(lake.dataset_days("raw_reactions")))
    out = {d: held_datasets(lake, d) for d in days}
    return {d: names for d, names in out.items() if names}
