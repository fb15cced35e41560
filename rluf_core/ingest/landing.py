"""Which landing days to ingest next: one day at a time, in order, again when its files change.

A day's reactions join the previous day's turns, so days are requested one at a time and in order:
the next day is requested once the pending one is settled (the caller says when) or timed out.
The cursor (plain JSON) remembers each day's landing signature and the pending day.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from rluf_core.lake import Lake

KINDS = ("turns", "reactions")


@dataclass(frozen=True)
class IngestRequest:
    """Ingest one landing day (`run_key` changes when the day's files change)."""

    day: str
    run_key: str


def landing_signature(lake: Lake, day: str) -> str:
    """The number of landing files of `day` and a hash of their names."""
    files = sorted(f for kind in KINDS for f in lake.landing_files(kind, day))
    return f"{len(files)}:" + hashlib.sha1("\n".join(files).encode()).hexdigest()[:10]


def next_ingest(
    lake: Lake,
    cursor: dict,
    settled: Callable[[str], bool],
    valid_days: set[str] | None = None,
    now: float | None = None,
    pending_timeout_s: float = 1800.0,
    warn: Callable[[str], object] | None = None,
) -> tuple[list[IngestRequest], dict]:
    """The next landing day to ingest (at most one) and the new cursor (`seen`, `pending`).

    A day outside `valid_days` is skipped with one warning; the pending day is dropped once
    `settled(day)` or after `pending_timeout_s` seconds."""
    now = time.time() if now is None else now
    seen: dict = dict(cursor.get("seen", {}))
    pending = cursor.get("pending")
    if pending and (settled(pending["day"]) or now - pending["at"] > pending_timeout_s):
        pending = None
    if pending is not None:
        return [], {"seen": seen, "pending": pending}
    for day in sorted(set(lake.landing_days("turns")) | set(lake.landing_days("reactions"))):
        if valid_days is not None and day not in valid_days:
            if warn is not None and day not in seen:
                warn(
                    f"landing day {day} is outside the pipeline's partitions (start date to today): "
                    f"not ingested"
                )
                seen[day] = "outside partitions"
            continue
        sig = landing_signature(lake, day)
        if seen.get(day) != sig:
            seen[day] = sig
            return [IngestRequest(day, f"ingest:{day}:{sig}")], {
                "seen": seen,
                "pending": {"day": day, "at": now},
            }
    return [], {"seen": seen, "pending": None}
