"""MLflow plumbing shared by the Dagster resource and the training jobs (plain mlflow, no Dagster)."""

from __future__ import annotations

import importlib.metadata as md
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

from rluf_core.config import RlufConfig
from rluf_core.runinfo import code_version, config_hash


def configure(cfg: RlufConfig) -> str:
    """Point mlflow at the configured tracking server and make sure the experiment exists.

    Returns the experiment id. With the embedded default, creates <home>/mlflow/ and puts artifacts
    under <home>/mlflow/artifacts; with a tracking server (http) and no storage.mlflow_artifact_uri, the
    server's own artifact store holds them.
    """
    uri = cfg.storage.mlflow_uri
    if uri.startswith("sqlite:///"):
        Path(uri[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)  # versions go where the runs go, whatever was set before
    os.environ["MLFLOW_TRACKING_URI"] = uri
    name = cfg.storage.mlflow_experiment
    exp = mlflow.get_experiment_by_name(name)
    if exp is None:
        if uri.startswith(("http://", "https://")) and not cfg.storage.mlflow_artifact_uri:
            artifacts = None  # a tracking server stores (and serves) artifacts where it was told to
        else:
            artifacts = cfg.storage.mlflow_artifacts
            if "://" not in artifacts:
                Path(artifacts).mkdir(parents=True, exist_ok=True)
                artifacts = Path(artifacts).as_uri()
        exp_id = mlflow.create_experiment(name, artifact_location=artifacts)
    else:
        exp_id = exp.experiment_id
    mlflow.set_experiment(experiment_id=exp_id)
    return exp_id


def run_tags(cfg: RlufConfig, partitions: list[str] | None = None, **extra: str) -> dict[str, str]:
    """Tags every run carries: code version, config hash and source file, data partitions."""
    tags = {
        "rluf.code_version": code_version(),
        "rluf.config_hash": config_hash(cfg.redacted()),
        "rluf.config_file": str(cfg.source_file or "<defaults>"),
        "rluf.seed": str(cfg.seed),
    }
    if partitions:
        tags["rluf.partitions"] = (
            ",".join(partitions)
            if len(partitions) <= 20
            else (f"{partitions[0]}..{partitions[-1]} ({len(partitions)} days)")
        )
    tags.update({f"rluf.{k}": str(v) for k, v in extra.items()})
    return tags


def client(cfg: RlufConfig) -> MlflowClient:
    configure(cfg)
    return MlflowClient(tracking_uri=cfg.storage.mlflow_uri)


# What rluf_core imports to load a torch / transformers model from a pyfunc version logged from code
# (distribution names); a model that needs more adds its own.
MODEL_REQUIREMENTS = (
    "torch",
    "transformers",
    "safetensors",
    "numpy",
    "pandas",
    "mlflow",
    "pydantic",
    "pyyaml",
)


def pinned(packages: Iterable[str]) -> list[str]:
    """`name==installed version` for each distribution (bare name when not installed): a model's
    pip requirements, so a serving environment installs what it was logged with."""
    out = []
    for p in packages:
        try:
            out.append(f"{p}=={md.version(p)}")
        except md.PackageNotFoundError:
            out.append(p)
    return out


@contextmanager
def source_copy() -> Iterator[str]:
    """A temporary copy of the rluf_core source, for a pyfunc's `code_paths` (models from code load
    the source they were trained with, ahead of any installed rluf)."""
    import rluf_core

    with tempfile.TemporaryDirectory() as tmp:
        code = Path(tmp, "rluf_core")
        shutil.copytree(
            Path(rluf_core.__file__).parent,
            code,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        yield str(code)
