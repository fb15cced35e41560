"""`rluf --config FILE demo`, the README's main command, end to end on a small simulation: every job of the DAG
runs through Dagster on the file's settings (not the repository's defaults), each relabelled day is followed by a
refresh of the last reputation, and the challenger lands in MLflow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rluf_core.lake import Lake
from tests.policy_fixtures import TINY_POLICY

pytestmark = pytest.mark.slow

DAYS = 5
LAG = 2  # a 24 h label window plus one day of late arrivals


def test_demo_runs_the_dag_on_the_given_config(tmp_path, monkeypatch):
    home = tmp_path / "home"
    cfg_file = tmp_path / "small.yaml"
    cfg_file.write_text(
        yaml.safe_dump(
            {
                "storage": {"home": str(home)},
                "source": {
                    "simulator": {
                        "days": DAYS,
                        "turns_per_day": 1500,
                        "n_users": 1500,
                        "rating_rate": 0.1,
                    }
                },
                "reward_model": {
                    "backbone": "tiny",
                    "max_length": 32,
                    "epochs": 1,
                    "bootstrap": 50,
                },
                "adversarial": {"split": {"validation_days": 1, "test_days": 1}},
                "policy": {**TINY_POLICY, "heldout_days": 1, "quick_check_prompts": 60},
                "evaluation": {
                    "fixed_prompts": 60,
                    "ab_users": 150,
                    "ab_days": 1,
                    "bootstrap_samples": 100,
                    "sweep_weights": [0.1],
                },
            }
        )
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("RLUF_CONFIG", "RLUF_HOME", "DAGSTER_HOME")
    }
    rluf = Path(sys.executable).with_name("rluf")
    done = subprocess.run(
        [str(rluf), "--config", str(cfg_file), "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert f"relabelled {DAYS - LAG} days" in done.stdout

    reports = home / "lake" / "reports"
    assert {"feedback_dataset.md", "p_love_report.md", "p_love_report_roc.png"} <= {
        p.name for p in reports.iterdir()
    }
    lake = Lake(str(home / "lake"))
    last_labelled = lake.dataset_days("labeled_turns")[-1]
    assert lake.read_report("feedback_dataset")["reputation_as_of"] == last_labelled

    import dagster as dg

    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    with dg.DagsterInstance.get() as instance:
        runs = {
            job: instance.get_runs(
                filters=dg.RunsFilter(job_name=job, statuses=[dg.DagsterRunStatus.SUCCESS])
            )
            for job in ("daily_ingest", "relabel_turns", "refresh_reputation", "weekly_retrain_job")
        }
    assert {job: len(r) for job, r in runs.items()} == {
        "daily_ingest": DAYS,
        "relabel_turns": DAYS - LAG,
        "refresh_reputation": DAYS - LAG,
        "weekly_retrain_job": 1,
    }
    assert max(r.tags["dagster/partition"] for r in runs["refresh_reputation"]) == last_labelled
    assert (home / "mlflow" / "mlflow.db").exists()

    # the whole DAG: the policy trained, evaluated and promoted, and the summary says so
    for name in (
        "base_policy",
        "helpfulness_model",
        "safety_judge",
        "policy_checkpoint",
        "offline_eval_report",
        "ab_test_report",
        "champion_policy",
        "champion_p_love",
    ):
        assert (reports / f"{name}.json").exists(), name
    decision = lake.read_report("champion_policy")
    assert decision["outcome"] in ("promoted", "refused") and decision["decision"]["gates"]
    assert "Summary:" in done.stdout and "love lift" in done.stdout
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{home / 'mlflow' / 'mlflow.db'}")
    assert client.get_model_version_by_alias("rluf-p-love", "champion")
    assert client.get_model_version_by_alias("rluf-policy", "challenger")
