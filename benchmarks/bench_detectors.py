"""The adversarial detectors on several simulated scenarios, not only the demo's (issue 4).

    python -m benchmarks.bench_detectors [--quick] [--scenarios default,seed11,...] [--jobs 2] [--keep DIR]

The demo runs one simulation (simulator seed 7); acceptance numbers read off one seed can flatter or
wrong a detector. Each scenario here is its own simulation (14 days x 20k turns, 20k users, as the demo),
run through ingest, cleaning, labelling, user_reputation and feedback_dataset in the order the pipeline runs
them (`robustness.build_lake(daily=True)`: each day scored as it lands, relabelled once its label window is
in, the last reputation refreshed; so the default scenario reproduces the demo's report); ground truth is
read only to score the result:
per-kind user precision / recall, honest users flagged, the adversarial share of positive labels
before and after the filter, and for trolls the best recall at precision >= 0.9 that any threshold on
the shipped posterior would reach (the signal's limit, next to the shipped threshold's recall), and troll
precision / recall at other posterior thresholds (``--thresholds``; the last reputation recomputed from the stored
daily aggregates with each threshold: what moving the shipped one would give on every scenario at once).
Prints a table and writes benchmarks/results/bench_detectors.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT_FILE = (
    "bench_detectors.json"  # the file README cites, whether run alone or by benchmarks.run
)

# name: (adversarial share in equal parts or None for the default mix, simulator settings)
SCENARIOS = {
    "default": (None, {}),  # the demo's simulation (simulator seed 7)
    "seed11": (None, {"seed": 11}),  # the same mix, other users and traffic
    "seed23": (None, {"seed": 23}),
    "adv20_quiet_trolls": (
        0.2,
        {"troll_love_rate": 0.1},
    ),  # 20% adversaries, trolls love half as often
    "no_adversaries": (0.0, {}),
}
# issue 31: adversaries unlike the simulator's own, each alone (8% of reacting accounts) and mixed
THREAT_SHARE = 0.08
THREAT_KINDS = ("content", "human_bot", "sleeper", "slow_troll", "adaptive")
for _k in THREAT_KINDS:
    SCENARIOS[f"threat_{_k}"] = (
        0.0,
        {"threats": {f"{_k}_share": THREAT_SHARE, "sleeper_wake_day": 4}},
    )
SCENARIOS["threat_mixed"] = (  # the three classic kinds and the five new ones, 1% each
    0.03,
    {"threats": {**{f"{k}_share": 0.01 for k in THREAT_KINDS}, "sleeper_wake_day": 4}},
)
SIZES = {"demo": (14, 20000, 20000), "issue": (10, 8000, 8000), "quick": (8, 2000, 2000)}


DEFAULT_THRESHOLDS = (0.8, 0.85, 0.88, 0.9, 0.95)


def troll_thresholds(lake, cfg, truth, thresholds) -> dict:
    """Troll precision / recall with the last reputation recomputed at each posterior threshold."""
    from rluf_core.adversarial.evaluation import evaluate_users
    from rluf_core.adversarial.reputation import (
        PAIRS_DATASET,
        STATS_DATASET,
        compute_reputation,
        window_days,
    )

    as_of = lake.dataset_days(STATS_DATASET)[
        -1
    ]  # the window's stored days, read as build_user_reputation reads them
    days = window_days(as_of, cfg.adversarial.trailing_days)
    stats, pairs = lake.read_dataset(STATS_DATASET, days), lake.read_dataset(PAIRS_DATASET, days)
    a, out = cfg.adversarial, {}
    for (
        th
    ) in thresholds:  # validated: a threshold outside (0.5, 1) fails as it would in the config file
        troll = type(a.troll).model_validate({**a.troll.model_dump(), "posterior_threshold": th})
        c = cfg.model_copy(update={"adversarial": a.model_copy(update={"troll": troll})})
        ev = evaluate_users(
            compute_reputation(stats, pairs, c, as_of), truth, a.troll.min_reactions
        )
        out[f"{th:g}"] = {
            "precision": ev["troll"]["precision"],
            "recall": ev["troll"]["recall"],
            "honest_flagged": ev["honest_flagged_share"],
        }
    return out


def threat_recall(lake, users, cfg) -> dict:
    """Recall (flagged at all) per simulated threat kind of issue 31, over reacting accounts."""
    from rluf_core.adversarial.evaluation import truth_by_pseudonym
    from rluf_core.feedback.report import latest_reputation

    rep = latest_reputation(lake, cfg)
    rep = rep[rep["n_add"] > 0]
    raw = rep["user_id"].map(truth_by_pseudonym(users, cfg.privacy.pseudonym_key, raw=True))
    out = {}
    for k in THREAT_KINDS:
        t = raw == k
        if t.any():
            out[f"{k}_n"] = int(t.sum())
            out[f"{k}_R"] = round(float(rep.loc[t, "flagged"].mean()), 4)
    return out


def auroc_on_off(lake, cfg, work: Path) -> dict:
    """P[Love] AUROC on honest test labels, trained on feedback_dataset with the filter off and on."""
    from sklearn.metrics import roc_auc_score

    from rluf_core.feedback.report import run_feedback
    from rluf_core.reward.reports.robustness import honest_eval_rows
    from rluf_core.reward.training.train import train_reward_model

    out = {}
    dfs = {}
    for name, enabled in (("off", False), ("on", True)):
        a = cfg.adversarial.model_copy(update={"enabled": enabled})
        dfs[name], _ = run_feedback(lake, cfg.model_copy(update={"adversarial": a}), write=False)
    ev = honest_eval_rows(cfg, dfs["off"])
    for name, df in dfs.items():
        res = train_reward_model(df, cfg.reward_model, work / f"rm-{name}", seed=0, save=False)
        p = res.scorer.score(ev["context"].tolist(), ev["prompt"].tolist(), ev["response"].tolist())
        out[f"auroc_{name}"] = round(float(roc_auc_score(ev["label"], p)), 4)
    return out


def evaluate_scenario(
    name: str,
    share,
    simulator: dict,
    work: Path,
    days: int,
    tpd: int,
    users: int,
    thresholds=DEFAULT_THRESHOLDS,
    auroc: bool = False,
    adversarial: dict | None = None,
    reuse: bool = False,
) -> dict:
    from rluf_core.adversarial.evaluation import truth_by_pseudonym
    from rluf_core.feedback.report import run_feedback
    from rluf_core.lake import Lake
    from rluf_core.reward.reports import robustness

    t0 = time.perf_counter()
    cfg = robustness.scenario(
        work / name, share, days, tpd, users, simulator=simulator, adversarial=adversarial
    )
    if reuse:  # a lake built before (--keep): the last reputation again with this config
        from rluf_core.adversarial.reputation import build_user_reputation

        lake = Lake(cfg.storage.lake)
        build_user_reputation(lake, cfg, lake.dataset_days("labeled_turns")[-1])
    else:
        lake = robustness.build_lake(cfg, daily=True)
    gt = Lake(cfg.storage.ground_truth)
    _, report = run_feedback(lake, cfg, ground_truth=gt, write=False)
    ev_u, ev_l = report["evaluation"]["users"], report["evaluation"]["labels"]
    row = {"scenario": name, "reacting": sum(ev_u["reacting_users"].values())}
    row["any_P"] = ev_u["any"]["precision"]
    for k in ("bot", "brigade", "troll"):
        row[f"{k}s"] = ev_u["reacting_users"][k]
        row[f"{k}_P"] = ev_u[k]["precision"]
        row[f"{k}_R"] = ev_u[k]["recall"]
    row["troll_best_R_at_P90"] = ev_u["troll"]["best_recall_at_precision_0.9"]
    row["honest_flagged"] = ev_u["honest_flagged_share"]
    row["adv_pos_before"] = ev_l["adversarial_positive_share_before"]
    row["adv_pos_after_rows"] = ev_l["adversarial_positive_share_after"]
    row["adv_pos_after_weight"] = ev_l["adversarial_positive_weight_share_after"]
    users = gt.read_dataset("users")
    truth = truth_by_pseudonym(users, cfg.privacy.pseudonym_key)
    row.update(threat_recall(lake, users, cfg))
    if auroc:
        row.update(auroc_on_off(lake, cfg, work / name))
    row["troll_at_threshold"] = troll_thresholds(lake, cfg, truth, thresholds) if thresholds else {}
    row["seconds"] = round(time.perf_counter() - t0, 1)
    logging.getLogger("rluf.bench").info("bench_detectors %s: %s", name, row)
    return row


def run(args) -> dict:
    quick = getattr(args, "quick", False)
    days, tpd, users = SIZES["quick" if quick else getattr(args, "size", None) or "demo"]
    auroc = bool(getattr(args, "auroc", False))
    names = (getattr(args, "scenarios", None) or ",".join(SCENARIOS)).split(",")
    seeds = [int(x) for x in str(getattr(args, "seeds", None) or "").split(",") if x]
    base = {n.split("@")[0] for n in names}
    unknown = [n for n in base if n not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenario(s) {unknown}; available: {list(SCENARIOS)}")
    jobs = max(1, min(getattr(args, "jobs", 1) or 1, len(names)))
    raw_ths = str(getattr(args, "thresholds", None) or "")
    ths = (
        ()
        if raw_ths == "none"
        else tuple(float(t) for t in raw_ths.split(",") if t) or DEFAULT_THRESHOLDS
    )
    if seeds:  # each scenario again with other simulator seeds: name@seed
        names = [n if not seeds else f"{n}@{sd}" for n in names for sd in seeds]
    specs = [_spec(n) for n in names]
    keep = getattr(args, "keep", None)
    reuse = getattr(args, "reuse", None)
    adv = json.loads(getattr(args, "adversarial", None) or "{}")
    if reuse:
        keep = reuse
    taken = (
        []
        if reuse
        else [
            str(d)
            for d in (Path(keep, n) for n in names if keep)
            if d.is_dir() and any(d.iterdir())
        ]
    )
    if taken:  # a scenario simulated into an older lake would mix two runs' days
        raise ValueError(
            f"--keep: {taken} already hold a lake; remove them or choose another folder"
        )
    with contextlib.nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory() as tmp:
        if jobs == 1:
            rows = [
                evaluate_scenario(n, *sp, Path(tmp), days, tpd, users, ths, auroc, adv, bool(reuse))
                for n, sp in zip(names, specs)
            ]
        else:  # one process per scenario: each simulation is independent (same numbers, less wall time)
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(
                jobs, mp_context=mp.get_context("spawn"), initializer=_log_setup
            ) as pool:
                rows = list(
                    pool.map(
                        evaluate_scenario,
                        names,
                        *zip(*specs),
                        [Path(tmp)] * len(names),
                        [days] * len(names),
                        [tpd] * len(names),
                        [users] * len(names),
                        [ths] * len(names),
                        [auroc] * len(names),
                        [adv] * len(names),
                        [bool(reuse)] * len(names),
                    )
                )
    sweep = {r["scenario"]: r.pop("troll_at_threshold") for r in rows}
    return {
        "rows": rows,
        "troll_at_threshold": sweep,
        "scenario_size": {"days": days, "turns_per_day": tpd, "users": users},
        "adversarial_overrides": adv,
        "rescored_kept_lakes": bool(reuse),
        "scenarios": {n: {"share": sp[0], "simulator": sp[1]} for n, sp in zip(names, specs)},
    }


def _spec(name: str) -> tuple:
    """(share, simulator settings) of 'scenario' or 'scenario@seed'."""
    base, _, seed = name.partition("@")
    share, sim = SCENARIOS[base]
    return (share, {**sim, "seed": int(seed)}) if seed else (share, sim)


def _sweep_cell(v: dict) -> str:
    """'precision / recall' where the scenario has trolls, else the share of honest users flagged."""
    if v["recall"] is None:
        return f"honest {100 * (v['honest_flagged'] or 0):.2f}%"
    return f"{v['precision'] or 0:.3f} / {v['recall']:.3f}"


def _log_setup() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_detectors", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="8 days x 2k turns per scenario (checks the harness only)",
    )
    p.add_argument("--size", choices=sorted(SIZES), help="days x turns x users (default demo)")
    p.add_argument("--seeds", help="comma-separated simulator seeds to run each scenario with")
    p.add_argument(
        "--auroc",
        action="store_true",
        help="also train P[Love] with the filter off and on (AUROC on honest test labels)",
    )
    p.add_argument(
        "--reuse",
        type=Path,
        help="score lakes kept before under DIR/<scenario> (--keep) again: the last reputation "
        "recomputed with this run's config, no simulation",
    )
    p.add_argument("--adversarial", help="JSON merged into the adversarial config section")
    p.add_argument("--out", help="results file name under benchmarks/results/ (default by --size)")
    p.add_argument("--scenarios", help=f"comma-separated subset of {','.join(SCENARIOS)}")
    p.add_argument(
        "--jobs", type=int, default=1, help="scenarios run at once, one process each (default 1)"
    )
    p.add_argument(
        "--thresholds",
        help="comma-separated troll posterior thresholds to also score "
        f"(default {','.join(f'{t:g}' for t in DEFAULT_THRESHOLDS)}; none: skip)",
    )
    p.add_argument(
        "--keep",
        type=Path,
        help="keep each scenario's lake and ground truth under DIR/<scenario> "
        "(for analysis; default: a temporary directory, removed)",
    )
    args = p.parse_args(argv)
    _log_setup()
    from benchmarks.run import machine, print_table, write_result

    t0, at = time.perf_counter(), machine()
    out = run(args)
    size = args.size or "demo"  # the demo-size run is the file README cites; others beside it
    name = args.out or (RESULT_FILE if size == "demo" else f"bench_detectors_{size}.json")
    write_result(name, {"benchmark": "bench_detectors", **out}, t0, at, quick=args.quick)
    print_table(out["rows"])
    print("\ntroll precision / recall by posterior threshold (last reputation recomputed at each)")
    print_table(
        [
            {"scenario": name, **{t: _sweep_cell(v) for t, v in sweep.items()}}
            for name, sweep in out["troll_at_threshold"].items()
            if sweep
        ]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
