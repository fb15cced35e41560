"""`rluf demo`: simulate a default scenario and materialise the whole DAG through Dagster jobs.

Runs are executed in-process against the persistent instance under RLUF_HOME/dagster, so that
`rluf dev` (the Dagster UI) shows every run, materialisation and check the demo made.
"""

from __future__ import annotations

import sys
import time

import dagster as dg

from rluf_core.cleaning.labels import reaction_days_needed
from rluf_core.config import RlufConfig
from rluf_core.lake import Lake
from rluf_core.simulation.runner import default_days
from rluf_dagster.diagnosis import RunFailed, run_failure_text
from rluf_dagster.instance import get_instance
from rluf_dagster.summary import summary_lines

# CRITICAL: a failed step's stack trace is not printed; the command prints its diagnosis instead
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}

# Job names (defined in rluf_dagster/defs/*): the demo runs them in this order.
SIMULATE_JOB = "simulate_traffic_job"
DAILY_JOB = "daily_ingest"
RELABEL_JOB = "relabel_turns"
REFRESH_JOB = "refresh_reputation"
RETRAIN_JOB = "weekly_retrain_job"
REPUTATION_ASSET = "user_reputation"


def _say(msg: str, prog: str = "rluf demo") -> None:
    print(f"[{prog} {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _run(
    defs: dg.Definitions, name: str, instance: dg.DagsterInstance, **kwargs
) -> dg.ExecuteInProcessResult:
    """Execute a job in-process; a failed run raises RunFailed with its diagnosis (no traceback)."""
    job = defs.resolve_job_def(name)
    result = job.execute_in_process(
        instance=instance, run_config=QUIET, raise_on_error=False, **kwargs
    )
    if not result.success:
        part = kwargs.get("partition_key")
        raise RunFailed(run_failure_text(result, name, part), name, part, result.run_id)
    return result


def _daily_without_reputation(defs: dg.Definitions) -> list[dg.AssetKey]:
    """The daily job's assets but user_reputation (their checks run with them)."""
    keys = defs.resolve_job_def(DAILY_JOB).asset_layer.selected_asset_keys
    return sorted(k for k in keys if k != dg.AssetKey(REPUTATION_ASSET))


def _held(err: RunFailed) -> None:
    print(f"\n{err.text}\n", file=sys.stderr, flush=True)


def run_days(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    cfg: RlufConfig,
    days: list[str],
    t0: float,
    prog: str = "rluf demo",
) -> list[str]:
    """daily_ingest for each day in order, relabelling and refreshing as the label windows close.

    A day whose run fails (a held day) is reported with its diagnosis and the later days go on; returns
    the held days."""
    # A day's label window is covered once `lag` more days of reactions have landed: relabel it then
    # (in production the landing sensor requests these runs), so that later reputation uses final labels; then
    # refresh the day's own reputation, computed before that relabelling (reputation_refresh_sensor in production).
    lag = len(reaction_days_needed(days[0], cfg.labels)) - 1 if days else 0
    _say(
        f"ingest, quality checks, cleaning, labelling and reputation: {len(days)} daily partitions",
        prog,
    )
    held: list[str] = []
    relabelled = 0
    for i, day in enumerate(days, 1):
        t = time.time()
        refresh = i > lag and days[i - 1 - lag] not in held
        # Where the day's refresh follows in this loop, the daily run leaves user_reputation to it:
        # the refresh recomputes every output of that step (the day's aggregates, fit sample,
        # reputation) and nothing reads them in between (the relabelled day's reputation reads only
        # earlier days), so the lake is the same.
        selection = {"asset_selection": _daily_without_reputation(defs)} if refresh else {}
        try:
            _run(defs, DAILY_JOB, instance, partition_key=day, **selection)
        except RunFailed as err:
            held.append(day)
            _held(err)
        if refresh:
            _run(defs, RELABEL_JOB, instance, partition_key=days[i - 1 - lag])
            relabelled += 1
            if day not in held:
                _run(defs, REFRESH_JOB, instance, partition_key=day)
        done = time.time() - t0
        eta = (time.time() - t) * (len(days) - i)
        state = "held" if day in held else "done"
        _say(
            f"  {day} {state} ({i}/{len(days)}, {time.time() - t:.1f}s; elapsed {done:.0f}s, ETA {eta:.0f}s)",
            prog,
        )
    _say(
        f"relabelled {relabelled} days once their label windows were covered; the last {min(lag, len(days))} "
        "stay open until more days land",
        prog,
    )
    return held


def where_to_look(cfg: RlufConfig) -> None:
    """The closing lines of `rluf demo` and `rluf run`: the UIs and the reports."""
    print(
        "\nWhere to look:\n"
        f"  Dagster UI:   rluf dev          (DAGSTER_HOME={cfg.storage.dagster})\n"
        f"  MLflow UI:    rluf mlflow-ui    (tracking {cfg.storage.mlflow_uri})\n"
        f"  Reports:      {cfg.storage.lake}/reports/*.json and *.md\n",
        flush=True,
    )


def run_demo(cfg: RlufConfig) -> list[str]:
    from rluf_dagster.definitions import defs

    instance = get_instance(cfg)
    t0 = time.time()
    days = [d.isoformat() for d in default_days(cfg)]
    if cfg.source.kind == "simulator":
        _say(
            f"simulating {len(days)} days x {cfg.source.simulator.turns_per_day:,} turns into {cfg.storage.lake}/landing"
        )
        _run(defs, SIMULATE_JOB, instance)
    elif cfg.source.kind == "oasst":
        from rluf_core.sources.oasst import import_oasst

        _say(
            f"importing OASST replies from {cfg.source.oasst.path} into {cfg.storage.lake}/landing"
        )
        import_oasst(
            cfg.source.oasst.path, Lake(cfg.storage.lake), start_date=cfg.source.start_date
        )
        days = Lake(cfg.storage.lake).landing_days("turns")
    else:
        days = Lake(cfg.storage.lake).landing_days("turns")
        if not days:
            raise SystemExit(f"rluf demo: no landing days under {cfg.storage.lake}/landing/turns")
    held = run_days(defs, instance, cfg, days, t0)
    _say(
        "retraining: feedback dataset, P[Love], the policy (base, helpfulness, safety judge, GRPO), "
        "offline evaluation, the A/B test and promotion"
    )
    _run(defs, RETRAIN_JOB, instance)
    _say(f"done in {time.time() - t0:.0f}s" + (f"; held days: {', '.join(held)}" if held else ""))
    print("\n" + "\n".join(summary_lines(cfg)), flush=True)
    where_to_look(cfg)
    return held
