"""The helpfulness model as a job: `python -m rluf_core.jobs.train_helpfulness --config <file>`.

Joins the `ratings` landing data to clean_turns, trains a calibrated P(helpful) with the reward-model
code (rluf_core/policy/helpfulness.py) and saves it to <home>/policy/helpfulness/scorer; its held-out
Spearman against the annotators' scores is the report. With policy.helpfulness.model set, that saved
scorer is used as is (checked to load).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rluf_core.jobs.options import load_with_overrides, offline_if_packaged
from rluf_core.jobs.reporting import open_reporter
from rluf_core.lake import Lake

REPORT = "helpfulness_model"


def helpfulness_dir(home: Path) -> Path:
    return home / "policy" / "helpfulness"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m rluf_core.jobs.train_helpfulness", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--config", default=None)
    ap.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a policy key"
    )
    args = ap.parse_args(argv)
    cfg = load_with_overrides(args.config, args.set, "policy")
    offline_if_packaged(cfg.reward_model.backbone)
    from rluf_core.ingest.ratings import RatingsError, read_ratings
    from rluf_core.policy.helpfulness import rating_frame, train_helpfulness
    from rluf_core.policy.prompts import read_turns
    from rluf_core.reward import PLoveScorer

    hs, lake, home = cfg.policy.helpfulness, Lake(cfg.storage.lake), cfg.storage.home_path
    with open_reporter() as rep:
        if hs.model:
            try:
                PLoveScorer.load(hs.model)
            except (OSError, ValueError) as err:
                raise SystemExit(f"policy.helpfulness.model {hs.model!r}: {err}") from None
            meta = {"scorer_dir": hs.model, "source": "configured"}
        else:
            try:
                ratings = read_ratings(lake, scale_max=hs.ratings_scale_max)
                turns = read_turns(lake, lake.dataset_days("clean_turns"))
                frame = rating_frame(ratings, turns, hs)
            except (RatingsError, ValueError) as err:
                raise SystemExit(str(err)) from None
            rep.log(
                f"helpfulness model: {len(frame)} ratings by {frame['annotator_id'].nunique()} annotators"
            )
            res = train_helpfulness(
                frame,
                cfg.reward_model,
                hs,
                helpfulness_dir(home),
                seed=cfg.seed,
                cache_dir=home / "cache" / "embeddings",
                device=cfg.compute.device,
            )
            meta = dict(res.summary, scorer_dir=str(res.scorer_dir), source="ratings")
        lake.write_report(REPORT, meta)
        rep.report_materialization(meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
