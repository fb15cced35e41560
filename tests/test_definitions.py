"""The code location loads, validates with the Dagster CLI, and names the contract's assets."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import REPO

# docs/design.md "Asset graph": these keys are part of the contract (checked as each group lands).
CONTRACT_ASSETS = {
    "ingest": {"raw_turns", "raw_reactions"},
    "clean": {"clean_turns", "clean_reactions", "labeled_turns", "quarantine"},
    "feedback": {"user_reputation", "feedback_dataset"},
    "reward": {"p_love_model", "p_love_report"},
    "registry": {"champion_policy"},
}


def _asset_groups(defs: dg.Definitions) -> dict[str, str]:
    graph = defs.resolve_asset_graph()
    return {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}


def test_contract_assets_exist_in_their_groups(rluf_home):
    from rluf_dagster.definitions import defs

    groups = _asset_groups(defs)
    for group, names in CONTRACT_ASSETS.items():
        for name in names:
            assert groups.get(name) == group, (
                f"{name} should be in group {group}, found {groups.get(name)}"
            )


def test_weekly_retrain_schedule_and_jobs(rluf_home):
    from rluf_dagster.definitions import defs

    sched = defs.resolve_schedule_def("weekly_retrain_schedule")
    assert sched.cron_schedule == "0 3 * * 1"
    assert defs.resolve_job_def("weekly_retrain_job") is not None


def test_dagster_cli_validates_the_definitions(rluf_home, tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "definitions",
            "validate",
            "-m",
            "rluf_dagster.definitions",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Validation successful" in out.stdout + out.stderr


def test_k8s_pod_gets_what_the_config_needs(rluf_home, monkeypatch):
    """The GPU pod loads the same production config: its ${VAR}s travel, secrets by a Secret when named."""
    from dagster_k8s.pipes import build_pod_body

    from rluf_core.config import load_config
    from rluf_dagster.launchers import _k8s_pod_spec, job_command, k8s_env

    prod = REPO / "docker" / "dagster_project.prod.yaml"
    monkeypatch.setenv("RLUF_PSEUDONYM_KEY", "s3cr3t")
    monkeypatch.setenv("RLUF_LAUNCHER", "k8s")
    cfg = load_config(prod)
    with pytest.raises(ValueError, match="local path the pod cannot see"):
        k8s_env(cfg, {})
    monkeypatch.setenv("RLUF_LAKE_URI", "s3://bucket/rluf")
    cfg = load_config(prod)

    def pod(cfg):
        body = build_pod_body(
            "p",
            "rluf:latest",
            job_command(cfg, "rluf_core.jobs.train_reward_model", [], "python"),
            k8s_env(cfg, {"MLFLOW_TRACKING_URI": "http://mlflow:5000"}),
            None,
            _k8s_pod_spec(cfg),
        )
        c = body.spec.containers[0]
        return {e.name: e.value for e in c.env}, c.env_from

    env, env_from = pod(cfg)
    assert env["RLUF_PSEUDONYM_KEY"] == "s3cr3t" and env["RLUF_LAKE_URI"] == "s3://bucket/rluf"
    assert env["RLUF_CONFIG"] == str(prod) and not env_from
    cfg.compute.k8s.secret_name = "rluf-secrets"
    env, env_from = pod(cfg)
    assert "RLUF_PSEUDONYM_KEY" not in env and env_from[0].secret_ref.name == "rluf-secrets"
    # what the pod sees loads: the image's RLUF_CONFIG plus the pod env (the secret from the Secret)
    pod_env = {"PATH": os.environ["PATH"], **env, "RLUF_PSEUDONYM_KEY": "from-the-secret"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from rluf_core.config import load_config; print(load_config().storage.lake)",
        ],
        env=pod_env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and out.stdout.strip() == "s3://bucket/rluf", out.stderr


def test_production_code_location_has_no_simulator(rluf_home, tmp_path):
    """With real traffic (source.kind landing) nothing in the code location can write simulated traffic."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path),
        "RLUF_PSEUDONYM_KEY": "k",
        "RLUF_CONFIG": str(REPO / "docker" / "dagster_project.prod.yaml"),
    }
    code = (
        "from rluf_dagster.definitions import defs; g = defs.resolve_asset_graph(); "
        "print(sorted(k.to_user_string() for k in g.get_all_asset_keys())); "
        "print(sorted(j.name for j in defs.resolve_all_job_defs()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assets, jobs = out.stdout.strip().splitlines()
    assert "raw_turns" in assets and "p_love_model" in assets
    assert "simulated_landing" not in assets and "simulate_traffic_job" not in jobs


def test_policy_job_pod_spec_requests_gpus_on_the_configured_nodes(rluf_home):
    """policy_checkpoint's pod: the policy job's entry point, GPU limits, node selector, tolerations."""
    from dagster_k8s.pipes import build_pod_body

    from rluf_core.config import parse_config
    from rluf_dagster.defs.policy import POLICY_JOB
    from rluf_dagster.launchers import _k8s_pod_spec, job_command

    cfg = parse_config(
        {
            "compute": {
                "launcher": "k8s",
                "k8s": {
                    "gpus": 2,
                    "node_selector": {"accelerator": "h100"},
                    "tolerations": [
                        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
                    ],
                },
            }
        }
    )
    body = build_pod_body(
        "p",
        "rluf:latest",
        job_command(cfg, POLICY_JOB, ["--config", "c.yaml"], "python"),
        {},
        None,
        _k8s_pod_spec(cfg),
    )
    c = body.spec.containers[0]
    assert (c.command or [])[-4:] == ["-m", "rluf_core.jobs.train_policy", "--config", "c.yaml"]
    assert (
        str(c.resources.limits["nvidia.com/gpu"])
        == "2"
        == str(c.resources.requests["nvidia.com/gpu"])
    )
    assert body.spec.node_selector == {"accelerator": "h100"}
    assert body.spec.tolerations[0].key == "nvidia.com/gpu"
