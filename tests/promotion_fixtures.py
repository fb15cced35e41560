"""A sqlite MLflow registry under tmp_path with versions of rluf-policy / rluf-p-love, for the
promotion tests: bare versions (fast) and, where a test loads a model, tiny pyfunc models."""

from __future__ import annotations

import shutil
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.tracking import MlflowClient

from rluf_core.config import parse_config
from rluf_core.config.schema import RlufConfig

_TEMPLATE: dict[str, Path] = {}


class ConstantPolicy(mlflow.pyfunc.PythonModel):
    """A dummy policy: replies with its own version tag."""

    def __init__(self, label: str):
        self.label = label

    def predict(self, context, model_input: pd.DataFrame, params=None) -> list[str]:
        return [self.label] * len(model_input)


def registry_config(tmp_path: Path, template_dir: Path) -> RlufConfig:
    """A config whose sqlite registry starts as a copy of an empty, migrated one (migrating takes
    seconds)."""
    if "db" not in _TEMPLATE:
        db = template_dir / "template.db"
        MlflowClient(tracking_uri=f"sqlite:///{db}").search_registered_models()
        _TEMPLATE["db"] = db
    home = tmp_path / "home"
    (home / "mlflow").mkdir(parents=True)
    shutil.copy(_TEMPLATE["db"], home / "mlflow" / "mlflow.db")
    return parse_config({"storage": {"home": str(home)}})


def add_versions(
    cfg: RlufConfig, name: str, n: int, tags: list[dict] | None = None
) -> MlflowClient:
    """Register `n` bare versions of `name` (source: a file URI), with per-version tags."""
    client = MlflowClient(tracking_uri=cfg.storage.mlflow_uri, registry_uri=cfg.storage.mlflow_uri)
    try:
        client.get_registered_model(name)
    except mlflow.exceptions.MlflowException:
        client.create_registered_model(name)
    for i in range(n):
        mv = client.create_model_version(name, source=f"file:///nowhere/{name}/{i}")
        for k, v in ((tags or [{}] * n)[i]).items():
            client.set_model_version_tag(name, mv.version, k, v)
    return client


def log_dummy_policy(cfg: RlufConfig, name: str, label: str) -> str:
    """Log and register a ConstantPolicy; returns its version."""
    mlflow.set_tracking_uri(cfg.storage.mlflow_uri)
    mlflow.set_registry_uri(cfg.storage.mlflow_uri)
    exp = mlflow.get_experiment_by_name("rluf") or None
    exp_id = (
        exp.experiment_id
        if exp
        else mlflow.create_experiment(
            "rluf",
            artifact_location=(Path(cfg.storage.home_path) / "mlflow" / "artifacts").as_uri(),
        )
    )
    with mlflow.start_run(experiment_id=exp_id):
        info = mlflow.pyfunc.log_model(
            name="policy",
            python_model=ConstantPolicy(label),
            pip_requirements=["mlflow"],
            registered_model_name=name,
        )
    return str(info.registered_model_version)
