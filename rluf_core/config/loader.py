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
_SECRET = re.compile(
    r"(key|secret|password|token)[^.]*$", re.IGNORECASE
)  # values never echoed in errors


class ConfigError(ValueError):
    """A configuration problem; the message names the file and the key."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (plain YAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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

    # The value stays the text the environment holds: validation types it for the key it fills
    # ("3" for a number, "true" for a flag), and a secret such as "0x1F", "yes" or "a #b" arrives whole.
    return _VAR.sub(repl, node)


def referenced_variables(file: str | os.PathLike) -> list[str]:
    """The environment variables a config file names (${VAR}), in order of first use."""
    names = [m.group(1) for m in _VAR.finditer(Path(file).read_text(encoding="utf-8"))]
    return list(dict.fromkeys(names))


def is_secret(name: str) -> bool:
    """A key or variable whose value is never shown (errors) and kept out of pod specs when it can be."""
    return bool(_SECRET.search(name))


def _format_error(file: Path, err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "<root>"
        msg = e["msg"].removeprefix(
            "Value error, "
        )  # pydantic's prefix for our validators' messages
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif "input" in e and not isinstance(e["input"], (dict, list)) and not is_secret(key):
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
    if not file.is_file():
        raise ConfigError(f"{file}: not a file (a configuration is one YAML file)")
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{file}: byte {err.start} is not UTF-8: save the file as UTF-8"
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{file}:{where}: invalid YAML: {getattr(err, 'problem', err)}") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(
            f"{file}: <root>: expected a mapping of sections, got {type(data).__name__}"
        )
    cfg = parse_config(data, file)
    cfg._source_file = str(file)
    return cfg
