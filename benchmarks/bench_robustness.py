"""P[Love] under adversarial feedback: filter off/on at 0%, 10%, 20% adversarial reacting users;
AUROC on honest users' test labels (issue 5, item 5).

    python -m benchmarks.bench_robustness [--quick] [--daily] [--days 14 --turns-per-day 20000 --users 20000]

The default is the demo's scale (14 days x 20k turns, 20k users per scenario; about 33 minutes on 2
cores): each scenario is its own simulation, so smaller runs (--quick: 8 days x 2k turns) are too noisy
to resolve the 0.01 of the acceptance. Acceptance: with 20% adversaries and the filter on, AUROC
within 0.01 of the adversary-free run. --daily builds each lake in the pipeline's order (reputation day by
day as labels land, relabelling and refresh, as `make demo` does; slower) instead of labelling every day once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT_FILE = (
    "bench_robustness.json"  # the file README cites, whether run alone or by benchmarks.run
)


def run(args) -> dict:
    from rluf_core.reward.reports import robustness

    quick = getattr(args, "quick", False)
    days = getattr(args, "days", None) or (
        8 if quick else 14
    )  # fewer days leave no train split (time-held-out)
    tpd = getattr(args, "turns_per_day", None) or (2000 if quick else 20000)
    users = getattr(args, "users", None) or (2000 if quick else 20000)
    daily = getattr(args, "daily", False)
    with tempfile.TemporaryDirectory() as tmp:
        rows = robustness.run(
            days=days,
            turns_per_day=tpd,
            n_users=users,
            work=tmp,
            cache_dir=os.environ.get("RLUF_EMBED_CACHE", str(Path(tmp) / "cache")),
            daily=daily,
        )
    clean_on = next(
        (r["auroc_honest"] for r in rows if r["adversarial_share"] == 0 and r["filter"] == "on"),
        None,
    )
    adv_on = next(
        (r["auroc_honest"] for r in rows if r["adversarial_share"] == 0.2 and r["filter"] == "on"),
        None,
    )
    return {
        "rows": rows,
        "scenario": {
            "days": days,
            "turns_per_day": tpd,
            "users": users,
            "flow": "daily" if daily else "fast",
        },
        "acceptance_within_0.01": None
        if clean_on is None or adv_on is None
        else abs(adv_on - clean_on) <= 0.01,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_robustness", description=__doc__.splitlines()[0]
    )
    p.add_argument("--quick", action="store_true")
    p.add_argument("--days", type=int)
    p.add_argument("--turns-per-day", type=int)
    p.add_argument("--users", type=int)
    p.add_argument(
        "--daily", action="store_true", help="build each lake in the pipeline's order (slower)"
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from benchmarks.run import machine, print_table, write_result

    t0, at = time.perf_counter(), machine()
    out = run(args)
    name = "bench_robustness_daily.json" if args.daily else RESULT_FILE
    write_result(name, {"benchmark": "bench_robustness", **out}, t0, at, quick=args.quick)
    print_table(
        [
            {
                k: r[k]
                for k in (
                    "adversarial_share",
                    "filter",
                    "train_rows",
                    "train_love_rate",
                    "auroc_honest",
                    "ceiling_honest",
                    "delta_vs_clean_on",
                )
            }
            for r in out["rows"]
        ]
    )
    print(
        "acceptance (20% adversaries, filter on, within 0.01 of clean):",
        out["acceptance_within_0.01"],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
