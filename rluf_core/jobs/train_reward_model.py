"""Train P[Love] as a job: `python -m rluf_core.jobs.train_reward_model --config <file> [...]`.

Reads the feedback dataset from the lake (or a parquet file), trains with progress and checkpoints (a
re-run after a kill resumes from the last one), calibrates, saves safetensors, writes validation/test
predictions to the lake (`p_love_predictions`) and a report (`p_love_model`), logs params, metrics and
artifacts to MLflow and registers a version of `reward_model.model_name` with alias `challenger`.
Reports back through Dagster Pipes when launched by Dagster, else to the log.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import mlflow
import pandas as pd
import torch

from rluf_core import tracking
from rluf_core.config import RlufConfig
from rluf_core.feedback.sufficiency import problem
from rluf_core.jobs.options import load_with_overrides
from rluf_core.jobs.reporting import open_reporter
from rluf_core.lake import Lake
from rluf_core.reward.reports.evaluation import write_lake_report
from rluf_core.reward.reports.report import evaluate_predictions, md_table
from rluf_core.reward.scoring.registry import log_and_register
from rluf_core.reward.training.rows import check_frame
from rluf_core.reward.training.train import train_reward_model

PREDICTIONS = "p_love_predictions"
REPORT = "p_love_model"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m rluf_core.jobs.train_reward_model", description=__doc__.split("\n")[0]
    )
    ap.add_argument(
        "--config",
        default=None,
        help="pipeline config (default: RLUF_CONFIG or dagster_project.yaml)",
    )
    ap.add_argument("--dataset", default="feedback_dataset", help="lake dataset to train on")
    ap.add_argument("--input", default=None, help="a parquet file instead of the lake dataset")
    ap.add_argument(
        "--work-dir", default=None, help="checkpoints and the saved scorer (default <home>/reward)"
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a reward_model key, e.g. --set epochs=3 (YAML value)",
    )
    ap.add_argument(
        "--no-register", action="store_true", help="train and evaluate without MLflow registration"
    )
    ap.add_argument("--stop-after-steps", type=int, default=None, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def load_input(cfg: RlufConfig, args: argparse.Namespace) -> pd.DataFrame:
    if args.input:
        if not Path(args.input).exists():
            raise SystemExit(f"--input {args.input}: file not found")
        try:  # named here, before any work: the training checks the same again
            return check_frame(pd.read_parquet(args.input), where=f"--input {args.input}")
        except ValueError as err:
            raise SystemExit(str(err)) from None
    lake = Lake(cfg.storage.lake)
    df = lake.read_dataset(args.dataset)
    if df.empty:
        raise SystemExit(
            f"{lake.dataset_path(args.dataset)}: dataset {args.dataset!r} is missing or empty"
        )
    if {"day", "label", "split"} <= set(df.columns):
        too_little = problem(df, cfg)
        if too_little is not None:  # one line before any training, not the trainer's own check
            raise SystemExit(too_little)
    return df


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = load_with_overrides(args.config, args.set, "reward_model")
    rm = cfg.reward_model
    if rm.backbone in ("minilm", "tiny"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if cfg.compute.torch_threads:
        torch.set_num_threads(cfg.compute.torch_threads)
    home = cfg.storage.home_path
    work_dir = Path(args.work_dir) if args.work_dir else home / "reward"
    with open_reporter() as rep:
        df = load_input(cfg, args)
        rep.log(f"training P[Love] on {len(df)} rows ({rm.method}, backbone {rm.backbone})")
        res = train_reward_model(
            df,
            rm,
            work_dir,
            seed=cfg.seed,
            cache_dir=home / "cache" / "embeddings",
            device=cfg.compute.device,
            stop_after_steps=args.stop_after_steps,
        )
        ev = evaluate_predictions(
            res.predictions,
            rm.model_copy(update={"bootstrap": min(rm.bootstrap, 200)}),
            seed=cfg.seed,
        )
        extra = ""
        if rm.wide:
            sm = res.summary
            extra = (
                "\n## Head and wide model\n\n"
                + md_table(
                    pd.DataFrame(
                        [
                            {
                                "validation AUROC": f"weight of the wide logit {sm['wide_weight']:.2f}",
                                "head": sm["validation_auroc_head"],
                                "wide (hashed words)": sm["validation_auroc_wide"],
                                "mixed": sm["validation_auroc_mixed"],
                            }
                        ]
                    )
                )
                + "\n"
            )
        if res.summary.get("calibration_skipped"):
            extra += f"\n**Calibration not fitted**: {res.summary['calibration_skipped']}.\n"
        ev.markdown += extra
        lake = Lake(cfg.storage.lake)
        lake.write_dataset(PREDICTIONS, res.predictions)
        mt = ev.metrics["test"]
        meta = dict(
            res.summary,
            test_auroc=mt["model"]["auroc"],
            test_ece=mt["model"]["ece"],
            test_length_r=mt["model"]["length_r"],
            length_only_auroc=mt["length_only"]["auroc"],
            scorer_dir=str(res.scorer_dir),
        )
        if not args.no_register:
            tracking.configure(cfg)
            days = sorted(map(str, df["day"].unique())) if "day" in df.columns else None
            tags = tracking.run_tags(cfg, days, job="train_reward_model")
            with mlflow.start_run(run_name="p_love_model", tags=tags) as run:
                flat = {
                    f"reward_model.{k}": (json.dumps(v) if isinstance(v, (list, dict)) else v)
                    for k, v in rm.model_dump().items()
                }
                mlflow.log_params(
                    {
                        **flat,
                        "seed": cfg.seed,
                        "dataset": args.input or args.dataset,
                        "rows": len(df),
                    }
                )
                mlflow.log_metrics(
                    {
                        k: float(v)
                        for k, v in res.summary.items()
                        if isinstance(v, (int, float)) and v is not None
                    }
                )
                for name in ("model", "length_only", "constant"):
                    mlflow.log_metrics(
                        {
                            f"test_{name}_{k}": float(v)
                            for k, v in mt[name].items()
                            if isinstance(v, (int, float))
                        }
                    )
                with tempfile.TemporaryDirectory() as tmp:
                    for fname, data in ev.images.items():
                        Path(tmp, fname).write_bytes(data)
                    Path(tmp, "p_love_model.md").write_text(ev.markdown)
                    mlflow.log_artifacts(tmp, artifact_path="report")
                assert res.scorer_dir is not None  # trained with save=True
                uri, version = log_and_register(
                    res.scorer_dir,
                    rm.model_name,
                    "challenger",
                    tags={
                        "rluf.fingerprint": res.summary["fingerprint"],
                        "rluf.test_auroc": f"{mt['model']['auroc']:.4f}",
                    },
                )
                meta.update(model_uri=uri, model_version=version, mlflow_run_id=run.info.run_id)
        write_lake_report(
            lake,
            REPORT,
            ev,
            dict(meta, test=mt, checks=ev.metrics["checks"], slices=ev.metrics["slices"]),
            extra,
        )
        rep.report_materialization(meta, data_version=res.summary["fingerprint"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
