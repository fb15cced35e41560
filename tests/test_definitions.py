"""The code location loads, validates with the Dagster CLI, and names the contract's assets."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from tests.conftest import REPO

# DESIGN.md "Asset graph": these keys are part of the contract (checked as each group lands).
CONTRACT_ASSETS = {
    "ingest": {"raw_turns", "raw_reactions"},
    "clean": {"clean_turns", "clean_reactions", "labeled_turns", "quarantine"},
    "feedback": {"user_reputation", "feedback_dataset"},
    "reward": {"p_love_model", "p_love_report"},
}


def _asset_groups(defs: dg.Definitions) -> dict[str, str]:
    graph = defs.resolve_asset_graph()
    return {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}


def test_contract_assets_exist_in_their_groups(rluf_home):
    from rluf_dagster.definitions import defs

    groups = _asset_groups(defs)
    for group, names in CONTRACT_ASSETS.items():
        for name in names:
            assert groups.get(name) == group, f"{name} should be in group {group}, found {groups.get(name)}"


def test_weekly_retrain_schedule_and_jobs(rluf_home):
    from rluf_dagster.definitions import defs

    sched = defs.resolve_schedule_def("weekly_retrain_schedule")
    assert sched.cron_schedule == "0 3 * * 1"
    assert defs.resolve_job_def("weekly_retrain_job") is not None


def test_dagster_cli_validates_the_definitions(rluf_home, tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    out = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-m", "rluf_dagster.definitions"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Validation successful" in out.stdout + out.stderr
