"""The dagster daemon against a real instance (sqlite under a temporary DAGSTER_HOME): the landing
sensor sees a new landing day and the daily_ingest run it requests completes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from rluf_core.lake import Lake
from tests.conftest import REPO
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_landing

DAY = "2026-01-02"


def _wait_for_run(home: Path, deadline: float) -> dg.DagsterRun | None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while time.monotonic() < deadline:
            runs = instance.get_runs(dg.RunsFilter(tags={"dagster/sensor_name": "landing_sensor"}))
            done = [r for r in runs if r.is_finished]
            if done:
                return done[0]
            time.sleep(2)
    return None


@pytest.mark.slow
def test_daemon_runs_the_landing_sensor_and_its_run_succeeds(tmp_path):
    rluf_home, dagster_home = tmp_path / "rluf", tmp_path / "dagster"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(
        str(dagster_home)
    ) as instance:  # its sqlite storages, migrated
        instance.get_runs(limit=1)  # before the daemon's processes open them all at once
        instance.all_instigator_state()
    lake = Lake(str(rluf_home / "lake"))
    turns = make_turns(DAY, 40)
    write_landing(lake, "turns", DAY, turns)
    write_landing(
        lake,
        "reactions",
        DAY,
        reactions_frame([reaction(f"e{i}", turns.iloc[i]) for i in range(0, 40, 5)]),
    )
    (tmp_path / "workspace.yaml").write_text(
        f"load_from:\n  - python_module:\n      module_name: rluf_dagster.definitions\n"
        f"      working_directory: {REPO}\n"
    )
    env = {
        **os.environ,
        "RLUF_HOME": str(rluf_home),
        "DAGSTER_HOME": str(dagster_home),
        "PYTHONPATH": str(REPO),
        "RLUF_CONFIG": str(REPO / "dagster_project.yaml"),
    }
    daemon = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-daemon"),
            "run",
            "-w",
            str(tmp_path / "workspace.yaml"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "daemon.log", "w"),
        start_new_session=True,
    )
    try:
        run = _wait_for_run(dagster_home, time.monotonic() + 150)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=30)
    assert run is not None, (tmp_path / "daemon.log").read_text()[-3000:]
    assert run.status == dg.DagsterRunStatus.SUCCESS and run.tags["dagster/partition"] == DAY
    assert run.job_name == "daily_ingest" and lake.has_dataset("labeled_turns", DAY)
