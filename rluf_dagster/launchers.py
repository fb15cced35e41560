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


def job_command(cfg: RlufConfig, module: str, args: list[str], python: str | None = None) -> list[str]:
    if cfg.compute.accelerate:
        return ["accelerate", "launch", "--num_processes", str(cfg.compute.num_processes), "-m", module, *args]
    return [python or sys.executable, "-m", module, *args]


def _k8s_pod_spec(cfg: RlufConfig) -> dict[str, Any]:
    k = cfg.compute.k8s
    limits: dict[str, Any] = {"cpu": k.cpu, "memory": k.memory}
    if k.gpus:
        limits["nvidia.com/gpu"] = k.gpus
    spec: dict[str, Any] = {"containers": [{"resources": {"limits": limits, "requests": dict(limits)}}]}
    if k.service_account:
        spec["service_account_name"] = k.service_account
    return spec


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
            env=env,
            extras=extras or {},
            base_pod_spec=_k8s_pod_spec(cfg),
        )
    command = job_command(cfg, module, args)
    client = dg.PipesSubprocessClient(env={**os.environ, **env}, cwd=os.getcwd())
    return client.run(context=context, command=command, extras=extras or {})
