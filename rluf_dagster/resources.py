"""Resources: the pipeline config + lake, and a small MLflow resource (not dagster-mlflow)."""

from __future__ import annotations

import dagster as dg
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
    """MLflow tracking and registry, as named by the `rluf` config's storage section (not dagster-mlflow).

    Jobs launched through Pipes log their own runs; this resource prepares the tracking store and
    hands them the environment that points at it.
    """

    rluf: RlufResource

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        tracking.configure(self.rluf.config)

    @property
    def tracking_uri(self) -> str:
        return self.rluf.config.storage.mlflow_uri

    def env(self) -> dict[str, str]:
        """Environment for subprocess jobs so that they log to the same tracking server."""
        return {
            "MLFLOW_TRACKING_URI": self.tracking_uri
        }  # the experiment comes from the config the job loads
