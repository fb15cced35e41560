"""`storage`: where state lives. Embedded defaults all sit under RLUF_HOME (default ./.rluf)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field

from rluf_core.config.base import Section


def _default_home() -> str:
    return os.environ.get("RLUF_HOME") or "./.rluf"


def _is_uri(value: str) -> bool:
    return "://" in value


class StorageConfig(Section):
    home: str = Field(default_factory=_default_home, description="RLUF_HOME: all local state")
    lake_uri: str | None = Field(
        None, description="lake root; a local path or an fsspec URI (s3://...)"
    )
    ground_truth_uri: str | None = Field(
        None, description="simulator ground truth, apart from the lake"
    )
    mlflow_tracking_uri: str | None = Field(None, description="default: sqlite under <home>/mlflow")
    mlflow_artifact_uri: str | None = Field(None, description="default: <home>/mlflow/artifacts")
    mlflow_experiment: str = "rluf"
    dagster_home: str | None = Field(None, description="default: <home>/dagster")

    @property
    def home_path(self) -> Path:
        return Path(self.home).expanduser().resolve()

    def _local(self, value: str | None, *default: str) -> str:
        if value:
            return value if _is_uri(value) else str(Path(value).expanduser().resolve())
        return str(self.home_path.joinpath(*default))

    @property
    def lake(self) -> str:
        return self._local(self.lake_uri, "lake")

    @property
    def ground_truth(self) -> str:
        return self._local(self.ground_truth_uri, "ground_truth")

    @property
    def dagster(self) -> str:
        return self._local(self.dagster_home, "dagster")

    @property
    def mlflow_artifacts(self) -> str:
        return self._local(self.mlflow_artifact_uri, "mlflow", "artifacts")

    @property
    def mlflow_uri(self) -> str:
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        return "sqlite:///" + str(self.home_path / "mlflow" / "mlflow.db")
