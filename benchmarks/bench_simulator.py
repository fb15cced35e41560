"""Simulator throughput: 1M turns (10 days x 100k) end to end into a temporary lake, plus the text
scorers on 100k texts. Goal: 1M turns in under 60 s on the 2-core dev machine."""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time

from rluf_core.config import parse_config
from rluf_core.simulation import population_love_prob, simulate, simulate_day, text_features


def run(args: argparse.Namespace) -> dict:
    days, per_day, users = (
        (2, 20_000, 20_000) if getattr(args, "quick", False) else (10, 100_000, 100_000)
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="rluf-bench-") as home:
        cfg = parse_config(
            {
                "storage": {"home": home},
                "source": {"simulator": {"days": days, "turns_per_day": per_day, "n_users": users}},
            }
        )
        t = time.perf_counter()
        from rluf_core.simulation import make_population

        make_population(cfg.source.simulator)
        t_pop = time.perf_counter() - t
        rows.append(
            {
                "stage": "population",
                "items": users,
                "seconds": t_pop,
                "items_per_s": users / t_pop,
                "cpu_seconds": None,
            }
        )
        c0 = time.process_time()
        s = simulate(cfg, progress=False)
        cpu = (
            time.process_time() - c0
        )  # CPU seconds of all threads: a contention-independent measure
        turns, events = s["turns"], s["events"]
        rows.append(
            {
                "stage": "simulate (end to end, written)",
                "items": turns,
                "seconds": s["seconds"],
                "items_per_s": turns / s["seconds"],
                "cpu_seconds": cpu,
            }
        )
        rows.append(
            {
                "stage": "  reaction events",
                "items": events,
                "seconds": s["seconds"],
                "items_per_s": events / s["seconds"],
                "cpu_seconds": cpu,
            }
        )
        rows.append(
            {
                "stage": "  landing reaction rows",
                "items": s["landing_reaction_rows"],
                "seconds": s["seconds"],
                "items_per_s": s["landing_reaction_rows"] / s["seconds"],
                "cpu_seconds": cpu,
            }
        )
        day_turns, _ = simulate_day(cfg, cfg.source.start_date + dt.timedelta(days=0))
        sample = day_turns.head(100_000)
        t = time.perf_counter()
        text_features(sample["response"].tolist(), topics=sample["topic"].tolist())
        dt_f = time.perf_counter() - t
        rows.append(
            {
                "stage": "text_features",
                "items": len(sample),
                "seconds": dt_f,
                "items_per_s": len(sample) / dt_f,
                "cpu_seconds": None,
            }
        )
        t = time.perf_counter()
        population_love_prob(
            sample["context"].tolist(),
            sample["prompt"].tolist(),
            sample["response"].tolist(),
            sample["topic"].tolist(),
        )
        dt_p = time.perf_counter() - t
        rows.append(
            {
                "stage": "population_love_prob",
                "items": len(sample),
                "seconds": dt_p,
                "items_per_s": len(sample) / dt_p,
                "cpu_seconds": None,
            }
        )
    return {
        "config": {"days": days, "turns_per_day": per_day, "n_users": users},
        "turns": turns,
        "reaction_events": events,
        "landing_reaction_rows": s["landing_reaction_rows"],
        "seconds_simulate": s["seconds"],
        "cpu_seconds_simulate": cpu,
        "turns_per_s": turns / s["seconds"],
        "events_per_s": events / s["seconds"],
        "goal_seconds_per_1m_turns": 60.0,
        "meets_goal": s["seconds"] * 1_000_000 / turns < 60.0,
        "love_rate": s["love_rate"],
        "rows": rows,
    }
