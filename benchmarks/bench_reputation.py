"""Benchmark: incremental user_reputation at 1M turns/day with a 30-day trailing window.

One synthetic day of clean traffic (1M turns, its reactions) goes through compute_user_daily_stats
(the raw work done once per day); 30 stored days of aggregates (that day's, relabelled, with a share
of new users each day) are then summed and run through the detectors (the work done every day).
Time per incremental day = one day's aggregation + one window combine/detect.

    python -m benchmarks.bench_reputation [--turns 1000000] [--days 30] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import pandas as pd

from rluf_core.adversarial.daily_stats import compute_user_daily_stats
from rluf_core.adversarial.reputation import compute_reputation, window_days
from rluf_core.adversarial.synthetic import Scenario, generate
from rluf_core.config import parse_config


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_reputation", description=__doc__.splitlines()[0]
    )
    ap.add_argument(
        "--turns", type=int, default=None, help="turns per day (default 1M; 100k with --quick)"
    )
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--quick", action="store_true", help="100k turns per day, to check the harness")
    ap.add_argument("--out", default=None, help="default benchmarks/results/bench_reputation.json")
    a = ap.parse_args(argv)
    a.turns = a.turns or (100_000 if a.quick else 1_000_000)
    from benchmarks.run import machine, write_result

    t_start, at = time.perf_counter(), machine()
    cfg = parse_config({"adversarial": {"trailing_days": a.days, "recent_days": 3}})
    t0 = time.perf_counter()
    sc = Scenario(
        days=1,
        turns_per_day=a.turns,
        n_honest=a.turns // 2,
        n_bots=a.turns // 5000,
        n_brigades=8,
        brigade_size=20,
        n_trolls=a.turns // 3000,
        seed=11,
    )
    data = generate(sc)
    gen_s = time.perf_counter() - t0
    turns, rx = data["labeled_turns"], data["clean_reactions"]
    day = sc.start
    t1 = time.perf_counter()
    stats, pairs = compute_user_daily_stats(day, turns, rx, cfg)
    daily_s = time.perf_counter() - t1
    # 30 stored days: the same day relabelled, 30% of users replaced by new ones each day
    rng = np.random.default_rng(0)
    days = window_days(day, a.days)
    S, P = [], []
    for i, d in enumerate(days):
        s = stats.copy()
        new = rng.random(len(s)) < 0.3
        s.loc[new, "user_id"] = s.loc[new, "user_id"] + f"-{i}"
        S.append(s.assign(day=d))
        P.append(pairs.assign(day=d))
    S, P = pd.concat(S, ignore_index=True), pd.concat(P, ignore_index=True)
    t2 = time.perf_counter()
    rep = compute_reputation(S, P, cfg, days[-1])
    combine_s = time.perf_counter() - t2
    res = {
        "turns_per_day": a.turns,
        "reactions_per_day": int(len(rx)),
        "window_days": a.days,
        "daily_stats_rows": int(len(stats)),
        "window_stats_rows": int(len(S)),
        "window_users": int(len(rep)),
        "flagged": int(rep["flagged"].sum()),
        "seconds_daily_aggregate": round(daily_s, 2),
        "seconds_window_combine_detect": round(combine_s, 2),
        "seconds_per_incremental_day": round(daily_s + combine_s, 2),
        "seconds_synthetic_generation": round(gen_s, 2),
    }
    rows = [
        ("turns/day", a.turns),
        ("reactions/day", len(rx)),
        ("window days", a.days),
        ("users in window", len(rep)),
        ("daily aggregate (s)", res["seconds_daily_aggregate"]),
        ("window combine + detect (s)", res["seconds_window_combine_detect"]),
        ("time per incremental day (s)", res["seconds_per_incremental_day"]),
    ]
    print(f"{'metric':32s} value")
    for k, v in rows:
        print(f"{k:32s} {v}")
    if a.out:
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        with open(a.out, "w") as f:
            json.dump({"benchmark": "bench_reputation", **res}, f, indent=2)
    else:
        write_result(
            "bench_reputation.json",
            {"benchmark": "bench_reputation", **res},
            t_start,
            at,
            quick=a.quick,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
