"""Typed configuration of the pipeline (dagster_project.yaml)."""

from rluf_core.config.loader import ConfigError, config_path, load_config, parse_config
from rluf_core.config.schema import RlufConfig

__all__ = ["ConfigError", "RlufConfig", "config_path", "load_config", "parse_config"]
