"""`rluf run --from DATE --to DATE [--retrain]`: a user's own landing zone through the daily jobs.

No simulation: the landing days in the range go through daily_ingest one by one (with the relabel
and
reputation refresh runs of `rluf demo`, whose day loop this reuses), with its progress lines. A
held day
(a failed blocking check) is reported with its diagnosis and the way on, and the later days go on;
`--retrain` then runs weekly_retrain_job, after saying which held days it leaves out, or says in one
line why there is too little data to train.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from functools import partial

from rluf_core.cleaning.labels import reaction_days_needed
from rluf_core.config import RlufConfig
from rluf_core.feedback.sufficiency import labelled_problem
from rluf_core.lake import Lake
from rluf_core.quality.held import held_days
from rluf_dagster import demo
from rluf_dagster.diagnosis import RunFailed
from rluf_dagster.instance import get_instance

PROG = "rluf run"
say = partial(demo._say, prog=PROG)


def _date(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise SystemExit(f"{PROG}: {flag} {value!r}: expected a date YYYY-MM-DD") from None


def landing_days_between(
    lake: Lake, cfg: RlufConfig, start: str | None, end: str | None
) -> list[str]:
    """The landing days (turns or reactions) from `start` to `end` inclusive; a one-line error
    when none is there, or one lies before source.start_date (the first partition) or is not
    over yet (the last partition is yesterday, UTC)."""
    start, end = _date(start, "--from"), _date(end, "--to")
    every = sorted(set(lake.landing_days("turns")) | set(lake.landing_days("reactions")))
    days = [d for d in every if (start is None or d >= start) and (end is None or d <= end)]
    if not days:
        span = f"{start or 'the first'} to {end or 'the last'} day"
        raise SystemExit(
            f"{PROG}: no landing days from {span} under {lake.path('landing')} "
            f"(days there: {', '.join(every) or 'none'})"
        )
    first = cfg.source.start_date.isoformat()
    if days[0] < first:
        raise SystemExit(
            f"{PROG}: landing day {days[0]} is before source.start_date ({first}), the first "
            f"partition: set source.start_date: {days[0]} in the config, or start later with --from"
        )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    if days[-1] >= today:
        raise SystemExit(
            f"{PROG}: landing day {days[-1]} is not over yet (the last daily partition is the day "
            f"before {today}, UTC): run it tomorrow, or stop earlier with --to"
        )
    return days


def _summary(lake: Lake, days: list[str], held: list[str]) -> None:
    say(
        f"{len(days) - len(held)} of {len(days)} days ingested, cleaned and labelled"
        + (f"; held: {', '.join(held)}" if held else "")
    )
    failed = held_days(lake)
    for day in held:
        what = f"{', '.join(failed[day])} failed" if day in failed else "its run failed"
        print(
            f"  held {day} ({what}): fix or set aside the file named above "
            f"(rluf quarantine-file PATH --reason TEXT), then rluf run --from {day}",
            flush=True,
        )


def _relabel_before(defs, instance, cfg: RlufConfig, lake: Lake, start: str) -> None:
    """Relabel the labelled days before `start` whose label window reaches into it (a re-run from a
    held day brings the reactions they were missing)."""
    for day in lake.dataset_days("labeled_turns"):
        if day < start and start in reaction_days_needed(day, cfg.labels):
            demo._run(defs, demo.RELABEL_JOB, instance, partition_key=day)
            say(f"relabelled {day}: its label window reaches into the days run")


def _retrain(defs, instance, cfg: RlufConfig, lake: Lake) -> int:
    held = held_days(lake)
    too_little = labelled_problem(lake, cfg, list(held))
    if too_little is not None:
        print(f"{PROG}: retraining not started: {too_little}", file=sys.stderr, flush=True)
        return 1
    if held:
        say(f"retraining leaves out held days: {', '.join(held)}")
    say("retraining: feedback dataset, P[Love] reward model and its report")
    demo._run(defs, demo.RETRAIN_JOB, instance)
    return 0


def run_own_logs(
    cfg: RlufConfig, start: str | None = None, end: str | None = None, retrain: bool = False
) -> int:
    """Process the landing days from `start` to `end` (default: all); 0 when none is held and any
    retraining ran, else 1 (each held day's diagnosis is printed to stderr)."""
    from rluf_dagster.definitions import defs

    lake = Lake(cfg.storage.lake)
    days = landing_days_between(lake, cfg, start, end)
    instance = get_instance(cfg)
    t0 = time.time()
    say(f"{len(days)} landing days under {lake.path('landing')}: {days[0]} .. {days[-1]}")
    held = demo.run_days(defs, instance, cfg, days, t0, prog=PROG)
    _relabel_before(defs, instance, cfg, lake, days[0])
    _summary(lake, days, held)
    code = 1 if held else 0
    if retrain:
        try:
            code = max(code, _retrain(defs, instance, cfg, lake))
        except RunFailed as err:
            print(err.text, file=sys.stderr, flush=True)
            code = 1
    say(f"done in {time.time() - t0:.0f}s")
    demo.where_to_look(cfg)
    return code
