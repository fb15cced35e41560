"""Launch rluf_core jobs as separate processes through Dagster Pipes.

The same entry point (`python -m rluf_core.jobs.<name> --config <file> ...`) runs as a local
subprocess by default, under `accelerate launch` for several GPUs, or in a Kubernetes pod with GPUs
(PipesK8sClient) when `compute.launcher: k8s`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import dagster as dg

from rluf_core.config import RlufConfig
from rluf_core.config.loader import is_secret, referenced_variables


def job_command(
    cfg: RlufConfig, module: str, args: list[str], python: str | None = None
) -> list[str]:
    if cfg.compute.accelerate:
        return [
            "accelerate",
            "launch",
            "--num_processes",
            str(cfg.compute.num_processes),
            "-m",
            module,
            *args,
        ]
    return [python or sys.executable, "-m", module, *args]


def _k8s_pod_spec(cfg: RlufConfig) -> dict[str, Any]:
    k = cfg.compute.k8s
    limits: dict[str, Any] = {"cpu": k.cpu, "memory": k.memory}
    if k.gpus:
        limits["nvidia.com/gpu"] = k.gpus
    container: dict[str, Any] = {"resources": {"limits": limits, "requests": dict(limits)}}
    if k.secret_name:
        container["env_from"] = [{"secret_ref": {"name": k.secret_name}}]
    spec: dict[str, Any] = {"containers": [container]}
    if k.service_account:
        spec["service_account_name"] = k.service_account
    if k.node_selector:
        spec["node_selector"] = dict(k.node_selector)
    if k.tolerations:
        spec["tolerations"] = [dict(t) for t in k.tolerations]
    return spec


def k8s_env(cfg: RlufConfig, env: dict[str, str]) -> dict[str, str]:
    """The pod's environment: the variables the config file names (so that it loads there as here),
    secrets left to compute.k8s.secret_name when one is configured, then `env`."""
    if "://" not in cfg.storage.lake:
        raise ValueError(
            f"compute.launcher k8s: storage.lake_uri {cfg.storage.lake!r} is a local path the pod "
            "cannot see; use an object store URI (s3://, gs://, abfs://)"
        )
    names = referenced_variables(cfg.source_file) if cfg.source_file else []
    out = {
        n: os.environ[n]
        for n in names
        if n in os.environ and not (is_secret(n) and cfg.compute.k8s.secret_name)
    }
    if cfg.source_file:
        out["RLUF_CONFIG"] = str(cfg.source_file)  # the image holds the same file at the same path
    return {**out, **env}


def run_job(
    context: dg.AssetExecutionContext,
    cfg: RlufConfig,
    module: str,
    args: list[str],
    extras: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> dg.PipesClientCompletedInvocation:
    """Run `module` as a Pipes-reporting job with the configured launcher."""
    env = {**(env or {}), "PYTHONUNBUFFERED": "1"}
    if cfg.compute.launcher == "k8s":
        from dagster_k8s import PipesK8sClient

        command = job_command(cfg, module, args, python="python")
        return PipesK8sClient().run(
            context=context,
            image=cfg.compute.k8s.image,
            command=command,
            namespace=cfg.compute.k8s.namespace,
            env=k8s_env(cfg, env),
            extras=extras or {},
            base_pod_spec=_k8s_pod_spec(cfg),
        )
    command = job_command(cfg, module, args)
    client = dg.PipesSubprocessClient(env={**os.environ, **env}, cwd=os.getcwd())
    return client.run(context=context, command=command, extras=extras or {})
