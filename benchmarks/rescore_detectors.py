"""Rescore a built lake's last reputation with the content detectors off and on (issue 31).

    python -m benchmarks.rescore_detectors RLUF_HOME [--out results/NAME.json]

Reads only: the stored user_daily_stats and user_coreaction_daily of the last window, the clean
turns and reactions (for user_content_daily, computed in memory), and the ground truth to score.
The demo's own lake (RLUF_HOME of `rluf demo`) checks that the default numbers hold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd


def main(argv: list[str] | None = None) -> int:
    from rluf_core.adversarial.content import content_daily
    from rluf_core.adversarial.evaluation import evaluate_users, truth_by_pseudonym
    from rluf_core.adversarial.reputation import (
        PAIRS_DATASET,
        STATS_DATASET,
        compute_reputation,
        window_days,
    )
    from rluf_core.config import parse_config
    from rluf_core.lake import Lake

    p = argparse.ArgumentParser(prog="python -m benchmarks.rescore_detectors")
    p.add_argument("home")
    p.add_argument("--out", type=Path)
    a = p.parse_args(argv)
    cfg = parse_config({"storage": {"home": a.home}})
    lake, gt = Lake(cfg.storage.lake), Lake(cfg.storage.ground_truth)
    as_of = lake.dataset_days(STATS_DATASET)[-1]
    days = window_days(as_of, cfg.adversarial.trailing_days)
    stats, pairs = lake.read_dataset(STATS_DATASET, days), lake.read_dataset(PAIRS_DATASET, days)
    cols = ["turn_id", "user_id", "ts", "response", "topic"]
    content = pd.concat(
        [
            content_daily(
                d,
                lake.read_dataset("clean_turns", [d], columns=cols),
                lake.read_dataset("clean_reactions", [d]),
                cfg,
            )
            for d in days
            if lake.has_dataset("clean_turns", d)
        ],
        ignore_index=True,
    )
    truth = truth_by_pseudonym(gt.read_dataset("users"), cfg.privacy.pseudonym_key)
    out = {"home": a.home, "as_of": as_of}
    for name, c in (("content_off", None), ("content_on", content)):
        ev = evaluate_users(
            compute_reputation(stats, pairs, cfg, as_of, c),
            truth,
            cfg.adversarial.troll.min_reactions,
        )
        out[name] = {
            **{
                k: [ev[k]["precision"], ev[k]["recall"]] for k in ("bot", "brigade", "troll", "any")
            },
            "honest_flagged_share": ev["honest_flagged_share"],
        }
        print(name, out[name], flush=True)
    if a.out:
        a.out.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
