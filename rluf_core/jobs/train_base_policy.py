"""The base policy as a job: `python -m rluf_core.jobs.train_base_policy --config <file> [--set k=v]`.

Reads the training days of clean_turns (every day but the last policy.heldout_days), builds or loads the
base model, fine-tunes it with TRL's SFTTrainer on (prompt, production reply) pairs and saves it to
<home>/policy/base/policy. Reports back through Dagster Pipes when launched by Dagster, else to the log.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rluf_core.jobs.options import load_with_overrides, offline_if_packaged
from rluf_core.jobs.reporting import open_reporter
from rluf_core.lake import Lake

REPORT = "base_policy"


def base_dir(home: Path) -> Path:
    return home / "policy" / "base"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m rluf_core.jobs.train_base_policy", description=__doc__.split("\n")[0]
    )
    ap.add_argument(
        "--config",
        default=None,
        help="pipeline config (default: RLUF_CONFIG or dagster_project.yaml)",
    )
    ap.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a policy key"
    )
    ap.add_argument("--out", default=None, help="output folder (default <home>/policy/base)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = load_with_overrides(args.config, args.set, "policy")
    offline_if_packaged(cfg.policy.base_model)
    from rluf_core.policy.prompts import read_turns, split_days
    from rluf_core.policy.sft import train_base_policy

    lake = Lake(cfg.storage.lake)
    with open_reporter() as rep:
        try:
            train_days, held = split_days(lake.dataset_days("clean_turns"), cfg.policy.heldout_days)
        except ValueError as err:
            raise SystemExit(str(err)) from None
        turns = read_turns(lake, train_days)
        rep.log(
            f"base policy: {cfg.policy.base_model} fine-tuned on {min(len(turns), cfg.policy.sft.max_pairs)} "
            f"pairs from {len(train_days)} days ({train_days[0]}..{train_days[-1]}); held out {held}"
        )
        t0 = time.time()
        out = Path(args.out) if args.out else base_dir(cfg.storage.home_path)
        res = train_base_policy(turns, cfg.policy, out, seed=cfg.seed, device=cfg.compute.device)
        meta = dict(
            res.summary,
            policy_dir=str(res.path),
            train_days=len(train_days),
            heldout_days=held,
            seconds=round(time.time() - t0, 1),
        )
        lake.write_report(REPORT, meta)
        rep.report_materialization(meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
