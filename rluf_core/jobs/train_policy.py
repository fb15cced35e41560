"""The policy checkpoint as a job: `python -m rluf_core.jobs.train_policy --config <file> [--set k=v]`.

GRPO (or RLOO) from the base policy against P[Love], helpfulness and the safety veto with KL control,
or KTO straight on feedback_dataset (policy.method). Progress to the log and Dagster Pipes; MLflow metrics
for every objective per step; checkpoints every policy.grpo.checkpoint_every steps and resume from the
last; a table of sample completions as an artifact; the quick check on held-out prompts; registration
as a `policy.model_name` version with alias `challenger` and lineage tags. Non-finite rewards or loss
stop the run and register nothing.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from rluf_core.jobs.options import load_with_overrides, offline_if_packaged
from rluf_core.jobs.policy_inputs import find_inputs
from rluf_core.jobs.reporting import open_reporter
from rluf_core.lake import Lake

REPORT = "policy_checkpoint"
SAMPLES = 40


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m rluf_core.jobs.train_policy", description=__doc__.split("\n")[0]
    )
    ap.add_argument(
        "--config",
        default=None,
        help="pipeline config (default: RLUF_CONFIG or dagster_project.yaml)",
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a policy key, e.g. --set objectives.p_love=0.3",
    )
    ap.add_argument("--out", default=None, help="run folder (default <home>/policy/<method>)")
    ap.add_argument(
        "--report", default=REPORT, help="lake report name (a sweep writes one per weight)"
    )
    ap.add_argument("--no-register", action="store_true")
    ap.add_argument("--stop-after-steps", type=int, default=None, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def _metric_logger(rep: Any, mlflow_on: bool):
    def log(step: int, logs: dict[str, float]) -> None:
        bad = [k for k in ("loss", "reward") if k in logs and not math.isfinite(logs[k])]
        if bad:
            raise RuntimeError(
                f"policy training: non-finite {bad} at step {step}; stopping, nothing registered"
            )
        if mlflow_on:
            import mlflow

            mlflow.log_metrics({k.replace("/", "."): v for k, v in logs.items()}, step=step)
        rep.log(
            f"step {step}: "
            + ", ".join(f"{k} {v:.4g}" for k, v in logs.items() if "reward" in k or k == "kl")
        )

    return log


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = load_with_overrides(args.config, args.set, "policy")
    offline_if_packaged(cfg.reward_model.backbone)
    from rluf_core.jobs.policy_run import run_policy_job

    with open_reporter() as rep:
        inputs = find_inputs(cfg)
        t0 = time.time()
        meta = run_policy_job(cfg, inputs, rep, args, _metric_logger)
        meta["seconds"] = round(time.time() - t0, 1)
        lake = Lake(cfg.storage.lake)
        lake.write_report(args.report, meta, meta.pop("markdown", None))
        rep.report_materialization(
            {k: v for k, v in meta.items() if not isinstance(v, (dict, list))}
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
