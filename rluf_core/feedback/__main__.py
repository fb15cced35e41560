"""Build user_reputation (as of the last labelled day) and feedback_dataset on the configured lake.

    python -m rluf_core.feedback [--as-of YYYY-MM-DD]

Prints the report's removal counts and, when simulator ground truth exists, per-kind precision/recall.
"""

import argparse
import json
import logging

from rluf_core.adversarial.reputation import build_user_reputation
from rluf_core.config import load_config
from rluf_core.feedback.report import run_feedback
from rluf_core.lake import Lake


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m rluf_core.feedback")
    ap.add_argument(
        "--as-of", default=None, help="reputation day (default: the last labeled_turns day)"
    )
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cfg = load_config()
    lake = Lake(cfg.storage.lake)
    days = lake.dataset_days("labeled_turns")
    if not days:
        raise SystemExit(f"no labeled_turns in {cfg.storage.lake}: run ingest and cleaning first")
    as_of = a.as_of or days[-1]
    _, summary = build_user_reputation(lake, cfg, as_of)
    _, report = run_feedback(lake, cfg, ground_truth=Lake(cfg.storage.ground_truth), as_of=as_of)
    out = {
        "reputation": summary,
        "removed": report["removed"],
        "splits": {k: v["rows"] for k, v in report["splits"].items()},
    }
    if "evaluation" in report:
        ev = report["evaluation"]
        out["users"] = {
            k: {m: ev["users"][k][m] for m in ("precision", "recall")}
            for k in ("bot", "brigade", "troll")
        }
        out["honest_flagged_share"] = ev["users"]["honest_flagged_share"]
        out["adversarial_positive_share"] = [
            ev["labels"]["adversarial_positive_share_before"],
            ev["labels"]["adversarial_positive_share_after"],
        ]
        lab = ev["labels"]
        out["labels"] = {
            k: {m: lab[k][m] for m in ("precision", "recall")} for k in ("bot", "brigade", "troll")
        }
        out["adversarial_positive_left_by_kind"] = lab["adversarial_positive_left_by_kind"]
        out["coordinated_filter"] = lab["coordinated_filter"]
        out["adversarial_positive_weight_share_after"] = lab[
            "adversarial_positive_weight_share_after"
        ]
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
