"""Load dagster_project.yaml: ${VAR} substitution, typed validation, one-line errors.

The file to load is, in order: an explicit path, the ``RLUF_CONFIG`` environment variable, or
``dagster_project.yaml`` in the current directory. Every error names the file and the key.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rluf_core.config.schema import RlufConfig

DEFAULT_CONFIG_FILE = "dagster_project.yaml"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    """A configuration problem; the message names the file and the key."""


def config_path(path: str | os.PathLike | None = None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get("RLUF_CONFIG")
    return Path(env) if env else Path(DEFAULT_CONFIG_FILE)


def _substitute(node: Any, file: Path, key: str) -> Any:
    if isinstance(node, dict):
        return {k: _substitute(v, file, f"{key}.{k}" if key else str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, file, f"{key}[{i}]") for i, v in enumerate(node)]
    if not isinstance(node, str):
        return node

    def repl(m: re.Match) -> str:
        name, default = m.group(1), m.group(2)
        value = os.environ.get(name)
        if value is None or value == "":
            if default is None:
                raise ConfigError(f"{file}: {key}: environment variable ${{{name}}} is not set")
            return default
        return value

    out = _VAR.sub(repl, node)
    # A whole-value substitution may produce a scalar: let YAML type it ("3" -> 3, "true" -> True).
    if out != node and _VAR.fullmatch(node):
        try:
            return yaml.safe_load(out) if out.strip() else out
        except yaml.YAMLError:
            return out
    return out


def _format_error(file: Path, err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "<root>"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif "input" in e and not isinstance(e["input"], (dict, list)):
            msg = f"{msg} (got {e['input']!r})"
        parts.append(f"{key}: {msg}")
    return f"{file}: " + "; ".join(parts)


def parse_config(data: dict | None, file: str | os.PathLike = "<dict>") -> RlufConfig:
    """Validate an already-parsed mapping (used by tests and by :func:`load_config`)."""
    file = Path(file)
    data = _substitute(data or {}, file, "")
    try:
        return RlufConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_error(file, err)) from None


def load_config(path: str | os.PathLike | None = None) -> RlufConfig:
    """Read, substitute and validate the pipeline configuration."""
    file = config_path(path)
    if not file.exists():
        raise ConfigError(f"{file}: configuration file not found (set RLUF_CONFIG or pass a path)")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{file}:{where}: invalid YAML: {getattr(err, 'problem', err)}") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{file}: <root>: expected a mapping of sections, got {type(data).__name__}")
    cfg = parse_config(data, file)
    cfg._source_file = str(file)
    return cfg
