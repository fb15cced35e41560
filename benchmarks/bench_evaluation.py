"""The evaluation's own cost (issue 29: 2,000 prompts for two arms in at most 2 minutes on 2 cores).

    python -m benchmarks.run evaluation [--quick]

Policies are the simulator's template policy (SimulatedPolicy: generation costs next to nothing) and
the scorers are cheap doubles (the simulated population's love probability, true helpfulness, the
rules safety judge), so the rows time what evaluation adds on top of a policy's generation and the
reward models' scoring: detectors, the simulator's judges, reports, plots, the A/B test's traffic,
reactions and bootstrap. Writes benchmarks/results/bench_evaluation.json.
"""

from __future__ import annotations

import time

from rluf_core.config import parse_config
from rluf_core.evaluation.ab_test import ab_test
from rluf_core.evaluation.correlation import offline_online
from rluf_core.evaluation.offline import offline_report
from rluf_core.evaluation.offline_render import build_offline_report
from rluf_core.evaluation.sim_policy import SimulatedPolicy, variant_family

RESULT_FILE = "bench_evaluation.json"
HACK = {"signoff_rate": 0.3, "heart_rate": 0.2, "warm_rate": 0.6}


def _timed(rows: list[dict], stage: str, n: int, fn):
    t0 = time.perf_counter()
    out = fn()
    rows.append({"stage": stage, "n": n, "seconds": round(time.perf_counter() - t0, 3)})
    return out


def run(args) -> dict:
    from tests.evaluation_doubles import arm, fixed_prompts, scorers

    n = 200 if args.quick else 2000
    cfg = parse_config({"evaluation": {"ab_users": n // 2, "ab_days": 2}})
    base, hack = SimulatedPolicy("base"), SimulatedPolicy("hack", style=HACK, vague_share=0.3)
    rows: list[dict] = []
    p = fixed_prompts(n)
    arms = _timed(
        rows,
        "generate 3 arms (template policy)",
        n,
        lambda: {
            "reference": arm(p, base, 1),
            "champion": arm(p, base, 2),
            "challenger": arm(p, hack, 3),
        },
    )
    rep = _timed(
        rows,
        "offline_report (detectors, judges, per topic)",
        n,
        lambda: offline_report(arms, scorers(cfg), cfg),
    )
    _timed(rows, "markdown + plots", n, lambda: build_offline_report(rep))
    ab = _timed(rows, "ab_test, two arms", n, lambda: ab_test(base, hack, cfg))
    full = parse_config({}) if not args.quick else cfg
    big = _timed(
        rows,
        "ab_test at the default size",
        full.evaluation.ab_users * full.evaluation.ab_days,
        lambda: ab_test(base, hack, full),
    )
    corr = _timed(
        rows,
        "offline_online, 11 variants",
        n,
        lambda: offline_online(variant_family(), p, scorers(cfg), cfg),
    )
    total = sum(r["seconds"] for r in rows[:4])
    return {
        "rows": rows,
        "two_arms_seconds": round(total, 3),
        "limit_seconds": 120,
        "ab_default_turns": big.metrics["n_turns"],
        "ab_love_lift": ab.metrics["love_lift"],
        "offline_online_pearson": corr["offline_online_pearson"],
    }
