"""Command-line plumbing the training jobs share: the config with `--set section.key=value` overrides."""

from __future__ import annotations

import os
from typing import Any

import yaml

from rluf_core.config import ConfigError, RlufConfig, load_config, parse_config


def set_dotted(data: dict[str, Any], key: str, value: Any, where: str) -> None:
    node = data
    parts = key.split(".")
    for p in parts[:-1]:
        if not isinstance(node.get(p), dict):
            raise SystemExit(f"{where}: {key!r}: {p!r} is not a config section")
        node = node[p]
    node[parts[-1]] = value


def load_with_overrides(
    path: str | None, pairs: list[str], section: str | None = None
) -> RlufConfig:
    """The pipeline config with KEY=VALUE overrides (YAML values); keys are relative to `section`."""
    cfg = load_config(path)
    if not pairs:
        return cfg
    data = cfg.model_dump(mode="json")
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--set {pair!r}: expected KEY=VALUE")
        full = (
            f"{section}.{key.strip()}"
            if section and not key.startswith(f"{section}.")
            else key.strip()
        )
        set_dotted(data, full, yaml.safe_load(value), f"--set {pair}")
    try:
        out = parse_config(data, "--set")
    except ConfigError as err:
        raise SystemExit(f"{err} (from --set {' '.join(pairs)})") from None
    out._source_file = cfg.source_file
    return out


def offline_if_packaged(backbone: str) -> None:
    """Models that ship with the project (or are built from config) never ask a hub."""
    if backbone in ("minilm", "tiny"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
