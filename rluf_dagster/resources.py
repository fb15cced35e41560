"""Resources: the pipeline config + lake, and a small MLflow resource (not dagster-mlflow)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import dagster as dg
import mlflow
from pydantic import PrivateAttr

from rluf_core import tracking
from rluf_core.config import RlufConfig, load_config
from rluf_core.lake import Lake


class RlufResource(dg.ConfigurableResource):
    """The pipeline configuration (dagster_project.yaml, or RLUF_CONFIG) and the lake it names."""

    config_path: str | None = None

    _cfg: RlufConfig | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._cfg = load_config(self.config_path)

    @property
    def config(self) -> RlufConfig:
        if self._cfg is None:
            self._cfg = load_config(self.config_path)
        return self._cfg

    @property
    def lake(self) -> Lake:
        return Lake(self.config.storage.lake)

    @property
    def ground_truth(self) -> Lake:
        return Lake(self.config.storage.ground_truth)


class MlflowResource(dg.ConfigurableResource):
    """Tracking and registry access. Settings come from the `rluf` config's storage section."""

    config_path: str | None = None

    _cfg: RlufConfig | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._cfg = load_config(self.config_path)
        tracking.configure(self._cfg)

    @property
    def cfg(self) -> RlufConfig:
        if self._cfg is None:
            self._cfg = load_config(self.config_path)
            tracking.configure(self._cfg)
        return self._cfg

    @property
    def tracking_uri(self) -> str:
        return self.cfg.storage.mlflow_uri

    def client(self) -> mlflow.MlflowClient:
        return tracking.client(self.cfg)

    @contextmanager
    def start_run(
        self, run_name: str, context: dg.AssetExecutionContext | None = None, **tags: str
    ) -> Iterator[mlflow.ActiveRun]:
        """An MLflow run tagged with code version, config hash, data partitions and the Dagster run."""
        tracking.configure(self.cfg)
        partitions = None
        if context is not None and context.has_partition_key:
            partitions = list(context.partition_keys)
        extra = dict(tags)
        if context is not None:
            extra.update(dagster_run_id=context.run_id, dagster_asset=context.asset_key.to_user_string())
        with mlflow.start_run(run_name=run_name, tags=tracking.run_tags(self.cfg, partitions, **extra)) as run:
            yield run

    def env(self) -> dict[str, str]:
        """Environment for subprocess jobs so that they log to the same tracking server."""
        return {"MLFLOW_TRACKING_URI": self.tracking_uri, "RLUF_MLFLOW_EXPERIMENT": self.cfg.storage.mlflow_experiment}
