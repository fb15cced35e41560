"""simulate(): write simulated days into the landing zone and their ground truth beside it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from rluf_core.config import RlufConfig
from rluf_core.lake import Lake
from rluf_core.simulation.labels import loved_labels
from rluf_core.simulation.population import make_population
from rluf_core.simulation.ratings import generate_ratings
from rluf_core.simulation.reactions import generate_reactions
from rluf_core.simulation.traffic import generate_turns
from rluf_core.simulation.writer import (
    landing_reactions,
    landing_turns,
    truth_reactions,
    truth_turns,
    write_parquet_stable,
)

log = logging.getLogger(__name__)
SPILL_DAYS = 2  # events land at most two days after their turn's day


def default_days(cfg: RlufConfig) -> list[dt.date]:
    start = cfg.source.start_date
    return [start + dt.timedelta(days=i) for i in range(cfg.source.simulator.days)]


def simulate_day(cfg: RlufConfig, day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turns served on `day` and every event they cause (internal frames, with ground truth)."""
    sim = cfg.source.simulator
    pop = make_population(sim)
    idx = (day - cfg.source.start_date).days
    turns = generate_turns(pop, sim, day, idx)
    events = generate_reactions(turns, pop, sim, day, idx)
    window_ms = int(cfg.labels.window_hours * 3600 * 1000)
    known = events[~events["unknown_turn"]]
    turns["loved"] = loved_labels(
        turns.assign(ts=turns["ts_ms"]),
        known.assign(ts=known["ts_ms"]),
        window_ms,
        positive="love",
        receiving_user_only=True,
    )
    return turns, events


def _write_day(
    cfg: RlufConfig,
    lake: Lake,
    gt: Lake,
    day: dt.date,
    turns: pd.DataFrame,
    events: pd.DataFrame,
    arriving: pd.DataFrame,
    window_ms: int,
) -> None:
    write_parquet_stable(
        lake, f"{lake.landing_dir('turns', day)}/part-0.parquet", landing_turns(turns)
    )
    write_parquet_stable(
        lake, f"{lake.landing_dir('reactions', day)}/part-0.parquet", landing_reactions(arriving)
    )
    if cfg.source.simulator.rating_rate > 0:
        write_parquet_stable(
            lake,
            f"{lake.landing_dir('ratings', day)}/part-0.parquet",
            generate_ratings(turns, cfg.source.simulator, day),
        )
    gt.write_dataset("turns", truth_turns(turns), day)
    gt.write_dataset("reactions", truth_reactions(events, day, window_ms), day)


def users_table(cfg: RlufConfig) -> pd.DataFrame:
    return make_population(cfg.source.simulator).users


def simulate(
    cfg: RlufConfig, days: list[dt.date] | None = None, progress: bool = True
) -> dict[str, Any]:
    """Simulate `days` (default: source.start_date + source.simulator.days) into the landing zone
    (landing/{turns,reactions}/date=D/part-0.parquet, reactions partitioned by arrival day) and the
    ground truth (users; turns and reactions per turn day). Same seed: byte-identical files."""
    if cfg.source.kind != "simulator":
        raise ValueError(
            f"simulate: source.kind is {cfg.source.kind!r}: its landing zone ({cfg.storage.lake}) "
            "holds real traffic; simulated traffic goes only where source.kind is 'simulator'"
        )
    days = sorted(set(days or default_days(cfg)))
    if any(d < cfg.source.start_date for d in days):
        raise ValueError(
            f"simulate: days before source.start_date {cfg.source.start_date} have no traffic"
        )
    lake, gt = Lake(cfg.storage.lake), Lake(cfg.storage.ground_truth)
    window_ms = int(cfg.labels.window_hours * 3600 * 1000)
    t_start = time.perf_counter()
    gt.write_dataset("users", users_table(cfg))
    pending: dict[
        dt.date, pd.DataFrame
    ] = {}  # generated day -> its events (for later arrival days)
    summary: dict[str, Any] = {
        "days": [],
        "turns": 0,
        "events": 0,
        "landing_reaction_rows": 0,
        "loved": 0,
        "loved_adversarial": 0,
    }
    bar = tqdm(days, desc="simulate", unit="day", disable=not progress)
    pool = ThreadPoolExecutor(max_workers=1)
    writes: list[Future] = []
    for day in bar:
        for back in range(SPILL_DAYS, 0, -1):  # earlier days whose late events land today
            g = day - dt.timedelta(days=back)
            if g >= cfg.source.start_date and g not in pending:
                pending[g] = simulate_day(cfg, g)[1]
        turns, events = simulate_day(cfg, day)
        pending[day] = events
        arriving = [
            e[e["arrival_offset"] == (day - g).days] for g, e in pending.items() if g <= day
        ]
        arriving = pd.concat(arriving, ignore_index=True)
        n_rows = int(arriving["n_copies"].sum())
        # write in the background while the next day is generated (pyarrow releases the GIL);
        # at most two days in flight, and a failed write stops the run
        if len(writes) >= 2:
            writes[-2].result()
        writes.append(
            pool.submit(_write_day, cfg, lake, gt, day, turns, events, arriving, window_ms)
        )
        for g in [g for g in pending if g <= day - dt.timedelta(days=SPILL_DAYS)]:
            del pending[g]
        stats = {
            "date": day.isoformat(),
            "turns": len(turns),
            "events": len(events),
            "landing_reaction_rows": n_rows,
            "love_rate": float(turns["loved"].mean()),
            "loved_adversarial": int((turns["loved"] & (turns["user_kind"] != "honest")).sum()),
        }
        summary["days"].append(stats)
        summary["turns"] += len(turns)
        summary["events"] += len(events)
        summary["landing_reaction_rows"] += n_rows
        summary["loved"] += int(turns["loved"].sum())
        summary["loved_adversarial"] += stats["loved_adversarial"]
        elapsed = time.perf_counter() - t_start
        log.info(
            "simulated %s: %d turns, %d events, love %.3f (%.0f turns/s)",
            day,
            len(turns),
            len(events),
            stats["love_rate"],
            summary["turns"] / max(elapsed, 1e-9),
        )
        bar.set_postfix(turns_per_s=f"{summary['turns'] / max(elapsed, 1e-9):,.0f}")
    for w in writes:
        w.result()
    pool.shutdown()
    summary["seconds"] = time.perf_counter() - t_start
    summary["love_rate"] = summary["loved"] / max(summary["turns"], 1)
    summary["adversarial_share_of_loved"] = summary["loved_adversarial"] / max(summary["loved"], 1)
    summary["lake"], summary["ground_truth"] = lake.uri, gt.uri
    summary["users"] = {
        k: int(v) for k, v in users_table(cfg)["kind"].value_counts().sort_index().items()
    }
    return summary


__all__ = ["default_days", "simulate", "simulate_day", "users_table"]
