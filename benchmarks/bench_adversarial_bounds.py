"""How separable the default scenario's trolls and brigades are, with ground truth used ONLY for the analysis.

    RLUF_HOME=<home with a simulated+cleaned lake and user_reputation> python benchmarks/bench_adversarial_bounds.py

- trolls: an oracle detector that knows every reacted turn's TRUE helpfulness (and safety): per-user
  log-likelihood ratio of its reactions (helpfulness bins x reaction class, densities of honest vs troll
  reactions, in-sample, so optimistic); the best recall at precision >= 0.9 it reaches, next to the best
  the shipped posterior reaches with the text-model quality signal (any threshold);
- brigades: the share of brigade accounts with loves inside raids on at least two days (the repeated
  coordination a detector can see), next to the recall reached.
Prints a table and writes benchmarks/results/adversarial_bounds.json.
"""

import argparse
import time

import numpy as np
import pandas as pd

from rluf_core.adversarial.evaluation import best_recall_at_precision
from rluf_core.cleaning import pseudonymise
from rluf_core.config import load_config
from rluf_core.lake import Lake


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_adversarial_bounds", description=__doc__.splitlines()[0]
    )
    ap.add_argument(
        "--quick", action="store_true", help="the same (it reads an existing demo home)"
    )
    ap.parse_args(argv)
    from benchmarks.run import machine, write_result

    t0, at = time.perf_counter(), machine()
    cfg = load_config()
    lake, gt = Lake(cfg.storage.lake), Lake(cfg.storage.ground_truth)
    if not lake.dataset_days("user_reputation") or not gt.has_dataset("users"):
        print(
            f"bench_adversarial_bounds: skipped: {cfg.storage.home} has no demo lake with user_reputation and "
            "ground truth (run `make demo` first, or point RLUF_HOME at a demo home)"
        )
        return 0
    u = gt.read_dataset("users")
    u["pid"] = np.asarray(pseudonymise(u["user_id"].astype(str), cfg.privacy.pseudonym_key))
    kind = u.set_index("pid")["kind"]
    rx = lake.read_dataset("clean_reactions")
    rx = rx[(rx["action"] == "add") & rx["is_receiving_user"].astype(bool)]
    tt = gt.read_dataset("turns", columns=["turn_id", "helpfulness", "unsafe", "in_raid"])
    rx = rx.merge(tt, on="turn_id")
    rx["kind"] = rx["user_id"].map(kind)
    rep = lake.read_dataset("user_reputation", [lake.dataset_days("user_reputation")[-1]])
    rep = rep[rep["n_add"] > 0].assign(kind_true=lambda r: r["user_id"].map(kind))

    h = rx[rx["kind"].isin(["honest", "troll"])].copy()
    cls = np.select(
        [
            h["reaction"] == "love",
            h["reaction"].isin(["thumbs_down", "angry"]),
            h["reaction"].isin(["like", "thumbs_up"]),
        ],
        ["love", "neg", "pos"],
        "other",
    )
    h = h[cls != "other"].assign(cls=cls[cls != "other"])
    bins = np.linspace(h["helpfulness"].min() - 1e-9, h["helpfulness"].max() + 1e-9, 11)
    h["cell"] = h["cls"] + np.digitize(h["helpfulness"], bins).astype(str) + h["unsafe"].astype(str)
    dens = pd.crosstab(h["cell"], h["kind"]) + 0.5
    dens = dens / dens.sum()
    h["llr"] = h["cell"].map(np.log(dens["troll"] / dens["honest"]))
    s = h.groupby("user_id").agg(llr=("llr", "sum"), kind=("kind", "first"))
    r = rep[rep["kind_true"].isin(["honest", "troll"])]
    out = {
        "troll_oracle_recall_at_p90": round(
            best_recall_at_precision(s["kind"] == "troll", s["llr"]), 3
        ),
        "troll_shipped_signal_best_recall_at_p90": round(
            best_recall_at_precision(
                r["kind_true"] == "troll", r["troll_posterior"].where(r["n_rated"] >= 2, 0)
            ),
            3,
        ),
        "troll_recall_at_posterior_threshold": round(
            float(r.loc[r["kind_true"] == "troll", "is_troll"].mean()), 3
        ),
        "troll_mean_rated_reactions": round(
            float(r.loc[r["kind_true"] == "troll", "n_rated"].mean()), 2
        ),
    }
    b = rep[rep["kind_true"] == "brigade"].copy()
    raid = rx[rx["in_raid"] & (rx["reaction"] == "love")]
    raid_days = (
        raid.assign(d=pd.to_datetime(raid["ts"], utc=True).dt.date)
        .groupby("user_id")["d"]
        .nunique()
    )
    b["raid_days"] = b["user_id"].map(raid_days).fillna(0)
    out.update(
        brigade_accounts=int(len(b)),
        brigade_share_with_raid_loves_on_2plus_days=round(float((b["raid_days"] >= 2).mean()), 3),
        brigade_recall=round(float(b["flagged"].mean()), 3),
        brigade_recall_among_2plus_days=round(
            float(b.loc[b["raid_days"] >= 2, "flagged"].mean()), 3
        ),
    )
    print("| quantity | value |\n|---|---|")
    for k, v in out.items():
        print(f"| {k} | {v} |")
    write_result("adversarial_bounds.json", {"benchmark": "adversarial_bounds", **out}, t0, at)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
