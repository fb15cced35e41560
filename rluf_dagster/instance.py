"""The Dagster instance under RLUF_HOME/dagster: sqlite storage by default, so `dagster dev` shows the demo's runs."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from rluf_core.config import RlufConfig

_DEFAULT_INSTANCE_YAML = """\
# Written by rluf: embedded sqlite storage under this folder (see docker/ for PostgreSQL).
telemetry:
  enabled: false
"""


def prepare_dagster_home(cfg: RlufConfig) -> Path:
    """Create DAGSTER_HOME (with a dagster.yaml if it has none) and export it."""
    home = Path(cfg.storage.dagster)
    home.mkdir(parents=True, exist_ok=True)
    yaml_file = home / "dagster.yaml"
    if not yaml_file.exists():
        yaml_file.write_text(_DEFAULT_INSTANCE_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance(cfg: RlufConfig) -> dg.DagsterInstance:
    prepare_dagster_home(cfg)
    return dg.DagsterInstance.get()
