"""Profile a demo from its Dagster event log: wall time per job, per asset step, per phase.

    python -m benchmarks.profile_demo --home $RLUF_HOME [--since RUN_START_EPOCH]
    python -m benchmarks.profile_demo --home /tmp/speed-home --run   # data part, then the tables

With ``--run``: `rluf demo` on the default config into an empty home, stopped once feedback_dataset
is materialised (the retraining job runs with feedback_dataset alone; P[Love] and what follows do
not run); it prints the demo's own lines and the data part's wall and CPU seconds. Then (or alone)
it reads the runs recorded under <home>/dagster and prints Markdown tables: per job, the runs, their
wall time and the part of it spent inside steps ("outside steps": run start, event log writes,
resource setup, step launch); per step key (asset or check), how many times it ran and its total,
mean and longest duration; user_reputation's seconds by phase (its phase_seconds metadata).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict

from rluf_core.markdown import table


def _step_durations(instance, run_id: str) -> dict[str, float]:
    import dagster as dg

    out: dict[str, float] = {}
    for rec in instance.all_logs(
        run_id, of_type={dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    ):
        ev = rec.dagster_event
        data = ev.event_specific_data
        ms = getattr(data, "duration_ms", None)
        if ms is not None:
            out[ev.step_key] = out.get(ev.step_key, 0.0) + ms / 1000.0
    return out


def _phases(instance, run_id: str, into: dict) -> None:
    """Add user_reputation's phase_seconds metadata (rluf_core.adversarial.reputation) of a run into
    ``into``."""
    import dagster as dg

    for rec in instance.all_logs(run_id, of_type={dg.DagsterEventType.ASSET_MATERIALIZATION}):
        mat = rec.dagster_event.event_specific_data.materialization
        phases = mat.metadata.get("phase_seconds")
        if mat.asset_key == dg.AssetKey("user_reputation") and phases is not None:
            for k, v in phases.value.items():
                into[k] = into.get(k, 0.0) + v


def profile(home: str, since: float = 0.0) -> dict:
    """{"jobs": {job: [runs, wall, in_steps]}, "steps": {step: [n, total, max]}} for runs since
    ``since``."""
    os.environ["DAGSTER_HOME"] = os.path.join(home, "dagster")
    import dagster as dg

    instance = dg.DagsterInstance.get()
    jobs: dict = defaultdict(lambda: [0, 0.0, 0.0])
    steps: dict = defaultdict(lambda: [0, 0.0, 0.0])
    phases: dict = {}
    for rec in instance.get_run_records(limit=100000):
        if rec.start_time is None or rec.end_time is None or rec.start_time < since:
            continue
        durations = _step_durations(instance, rec.dagster_run.run_id)
        _phases(instance, rec.dagster_run.run_id, phases)
        j = jobs[rec.dagster_run.job_name]
        j[0] += 1
        j[1] += rec.end_time - rec.start_time
        j[2] += sum(durations.values())
        for key, secs in durations.items():
            s = steps[key]
            s[0] += 1
            s[1] += secs
            s[2] = max(s[2], secs)
    return {"jobs": dict(jobs), "steps": dict(steps), "phases": phases}


def markdown(p: dict) -> str:
    jobs = sorted(p["jobs"].items(), key=lambda kv: -kv[1][1])
    wall = sum(v[1] for _, v in jobs)
    inside = sum(v[2] for _, v in jobs)
    rows = [(k, n, f"{w:.1f}", f"{s:.1f}", f"{w - s:.1f}") for k, (n, w, s) in jobs]
    rows.append(
        ("all", sum(v[0] for _, v in jobs), f"{wall:.1f}", f"{inside:.1f}", f"{wall - inside:.1f}")
    )
    lines = table(["job", "runs", "wall s", "in steps s", "outside steps s"], rows)
    steps = sorted(p["steps"].items(), key=lambda kv: -kv[1][1])
    lines += [
        "",
        *table(
            ["step", "runs", "total s", "mean s", "max s"],
            [(k, n, f"{t:.1f}", f"{t / n:.2f}", f"{m:.1f}") for k, (n, t, m) in steps],
        ),
    ]
    if p.get("phases"):
        lines += [
            "",
            *table(
                ["user_reputation phase", "total s"],
                [(k, f"{v:.1f}") for k, v in p["phases"].items()],
            ),
        ]
    return "\n".join(lines)


class _DataPartDone(Exception):
    pass


def _cpu_seconds() -> float:
    import resource

    return sum(
        getattr(resource.getrusage(w), f)
        for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )


def run_data_part() -> tuple[float, float]:
    """`rluf demo` up to feedback_dataset (the retraining job with that asset alone); its wall and
    CPU seconds (CPU: this process and its children, all threads; less inflated than wall by a busy
    machine)."""
    import dagster as dg

    from rluf_core.config import load_config
    from rluf_dagster import demo

    plain_run = demo._run

    def _run(defs, name, instance, **kwargs):
        if name != demo.RETRAIN_JOB:
            return plain_run(defs, name, instance, **kwargs)
        plain_run(defs, name, instance, asset_selection=[dg.AssetKey("feedback_dataset")])
        raise _DataPartDone

    demo._run = _run
    t0, c0 = time.perf_counter(), _cpu_seconds()
    try:
        demo.run_demo(load_config(None))
    except _DataPartDone:
        pass
    finally:
        demo._run = plain_run
    return time.perf_counter() - t0, _cpu_seconds() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_demo", description=__doc__.splitlines()[0]
    )
    ap.add_argument(
        "--home", default=os.environ.get("RLUF_HOME", ".rluf"), help="the demo's RLUF_HOME"
    )
    ap.add_argument(
        "--since", type=float, default=0.0, help="only runs started after this epoch time"
    )
    ap.add_argument("--run", action="store_true", help="first run the demo's data part into --home")
    a = ap.parse_args(argv)
    if a.run:
        os.environ["RLUF_HOME"] = a.home
        since = time.time()
        wall, cpu = run_data_part()
        print(
            f"\ndata part (simulate to feedback_dataset): {wall:.1f}s wall, {cpu:.1f}s CPU, "
            f"load average at the end {os.getloadavg()[0]:.1f}\n"
        )
        a.since = a.since or since
    print(markdown(profile(a.home, a.since)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
