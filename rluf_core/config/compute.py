"""`compute`: how training and GPU jobs are launched (same entry point everywhere)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class K8sConfig(Section):
    namespace: str = "rluf"
    image: str = "rluf:latest"
    gpus: int = Field(1, ge=0)
    cpu: str = "4"
    memory: str = "32Gi"
    service_account: str | None = None
    node_selector: dict[str, str] = Field(
        default_factory=dict,
        description="pod nodeSelector, e.g. {cloud.google.com/gke-accelerator: nvidia-h100-80gb}",
    )
    tolerations: list[dict[str, str]] = Field(
        default_factory=list,
        description="pod tolerations, e.g. [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]",
    )
    secret_name: str | None = Field(
        None,
        description="a Kubernetes Secret whose keys become the pod's environment "
        "(e.g. RLUF_PSEUDONYM_KEY); without it, the config's ${VAR}s "
        "are copied into the pod spec",
    )


class ComputeConfig(Section):
    launcher: Literal["subprocess", "k8s"] = "subprocess"
    executor: Literal["in_process", "multiprocess"] = Field(
        "in_process",
        description="Dagster executor for runs: in_process on small machines, multiprocess in production",
    )
    max_concurrent_steps: int = Field(4, ge=1)
    accelerate: bool = Field(False, description="wrap jobs in `accelerate launch` (several GPUs)")
    num_processes: int = Field(1, ge=1)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    torch_threads: int | None = Field(None, ge=1)
    k8s: K8sConfig = K8sConfig()
