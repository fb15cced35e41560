"""Issue 34 as a new user meets it: `rluf run` on an own landing zone with a reactions file that
is not
Parquet holds that day with a diagnosis (file, reason, next step) and no traceback, goes on with
the later
days, and after `rluf quarantine-file` the day re-runs cleanly; `--retrain` with too few labelled
days
says so in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rluf_core.config import load_config
from rluf_core.lake import Lake
from rluf_dagster.cli import main
from tests.own_logs_fixtures import add_not_parquet, land, write_config

REPO = Path(__file__).resolve().parent.parent


def _rluf(cfg: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("RLUF_CONFIG", "RLUF_HOME", "DAGSTER_HOME")
    }
    return subprocess.run(
        [sys.executable, "-m", "rluf_dagster.cli", "--config", str(cfg), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_held_day_is_diagnosed_then_set_aside_and_rerun(tmp_path):
    cfg_file = write_config(tmp_path)
    lake = Lake(load_config(str(cfg_file)).storage.lake)
    d = land(lake, 3)
    bad = add_not_parquet(lake, d[1])

    first = _rluf(cfg_file, "run")
    out = first.stdout + first.stderr
    assert first.returncode == 1, out[-3000:]
    assert "Traceback" not in out
    assert f"job daily_ingest partition {d[1]} failed" in first.stderr
    assert f"raw_reactions {d[1]} is held" in first.stderr
    assert f"  - {bad}: error: ArrowInvalid: " in first.stderr
    assert f'rluf quarantine-file {bad} --reason "cannot be read"' in first.stderr
    assert f"then re-run the day: rluf run --from {d[1]}" in first.stderr
    for day, state in zip(d, ("done", "held", "done")):
        assert f"  {day} {state} (" in first.stdout
    assert f"2 of 3 days ingested, cleaned and labelled; held: {d[1]}" in first.stdout
    assert lake.has_dataset("labeled_turns", d[2])

    aside = _rluf(cfg_file, "quarantine-file", bad, "--reason", "a CSV export named .parquet")
    assert aside.returncode == 0, aside.stderr
    assert f"set aside {bad}" in aside.stdout and f"next: rluf run --from {d[1]}" in aside.stdout

    again = _rluf(cfg_file, "run", "--from", d[1], "--retrain")
    out = again.stdout + again.stderr
    assert "Traceback" not in out
    assert (
        "2 of 2 days ingested, cleaned and labelled\n" in again.stdout
        and "; held:" not in again.stdout
    )
    assert f"relabelled {d[0]}: its label window reaches into the days run" in again.stdout
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "rluf run: retraining not started: too little data to retrain: 1 labelled day(s) "
        f"({d[0]}) but the time split needs at least 3 (1 train + 1 validation + 1 test); land "
        f"more days, "
        "or lower adversarial.split.validation_days and adversarial.split.test_days"
    )


def test_run_names_a_range_without_landing_days_and_a_day_before_the_start(tmp_path):
    cfg_file = write_config(tmp_path)
    lake = Lake(load_config(str(cfg_file)).storage.lake)
    land(lake, 1)
    with pytest.raises(
        SystemExit,
        match=r"rluf run: no landing days from 2026-04-01 to the last day under .*"
        r"\(days there: 2026-03-01\)",
    ):
        main(["--config", str(cfg_file), "run", "--from", "2026-04-01"])
    with pytest.raises(SystemExit, match="--to '3 March': expected a date YYYY-MM-DD"):
        main(["--config", str(cfg_file), "run", "--to", "3 March"])
    late = write_config(tmp_path, source={"start_date": "2026-03-05"})
    with pytest.raises(
        SystemExit, match=r"landing day 2026-03-01 is before source.start_date \(2026-03-05\)"
    ):
        main(["--config", str(late), "run"])


def test_quarantine_file_outside_the_landing_zone_is_one_line(tmp_path, capsys):
    cfg_file = write_config(tmp_path)
    assert (
        main(
            [
                "--config",
                str(cfg_file),
                "quarantine-file",
                str(tmp_path / "x.parquet"),
                "--reason",
                "r",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert (
        err.startswith("rluf quarantine-file: ")
        and "no such file" in err
        and len(err.splitlines()) == 1
    )
