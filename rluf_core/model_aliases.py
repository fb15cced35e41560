"""MLflow registry aliases and the decision log: the one place that moves `champion`, `previous` and
`challenger`, for every registered model (`rluf-p-love`, `rluf-policy`). Plain mlflow, no Dagster.

It sits beside rluf_core/tracking.py, under every pipeline layer, so that the reward job (which
points `challenger` at the version it registers) and the promotion package use the same code.

A decision is applied write-ahead, so that a crash at any point leaves a state the next call
completes:

1. the decision (with the absolute alias moves it implies) is written to the registered model's tag
   `rluf.pending`;
2. it is recorded as the tag `rluf.decision.<id>` (the history), and on the version decided on;
3. the aliases are set to their target versions, one by one (setting an alias to where it already is
   changes nothing);
4. `rluf.pending` is cleared.

Every entry point first rolls a pending decision forward (steps 2-4 again), and a decision whose id
is already recorded is not applied again: a re-run of the same decision changes nothing. Concurrent
deciders on one model are not coordinated (the pipeline runs one promotion at a time).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

CHAMPION, PREVIOUS, CHALLENGER = "champion", "previous", "challenger"
PENDING_TAG = "rluf.pending"
DECISION_PREFIX = "rluf.decision."
VERSION_DECISION_TAG = "rluf.decision"


class RegistryError(RuntimeError):
    """The registry cannot be used as asked (unreachable, unknown model or version): one line."""


def connect(tracking_uri: str, timeout_s: float = 5.0) -> MlflowClient:
    """A client of the registry at `tracking_uri`, after checking that it answers.

    An MLflow server is asked for /health with a short timeout (the client itself retries for
    minutes); a database store is asked for one registered model. RegistryError names the URI.
    """
    if tracking_uri.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(
                f"{tracking_uri.rstrip('/')}/health", timeout=timeout_s
            ) as r:
                r.read()
        except OSError as err:
            raise RegistryError(f"MLflow registry {tracking_uri} is unreachable ({err})") from None
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    try:
        client.search_registered_models(max_results=1)
    except Exception as err:  # a database that cannot be opened, a server error
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RegistryError(f"MLflow registry {tracking_uri} is unreachable ({first})") from None
    return client


def aliases(client: MlflowClient, name: str) -> dict[str, str]:
    """{alias: version} of registered model `name`; RegistryError when there is no such model."""
    return {alias: str(v) for alias, v in _model(client, name).aliases.items()}


def alias_version(client: MlflowClient, name: str, alias: str) -> str | None:
    """The version `alias` points at, or None."""
    return aliases(client, name).get(alias)


def require_version(client: MlflowClient, name: str, version: str) -> None:
    """RegistryError unless version `version` of model `name` exists."""
    try:
        client.get_model_version(name, str(version))
    except MlflowException:
        raise RegistryError(f"model {name!r} has no version {version!r}") from None


def set_alias(client: MlflowClient, name: str, alias: str, version: str | None) -> None:
    """Point `alias` at `version` (None: remove it); nothing happens when it is already so."""
    current = alias_version(client, name, alias)
    if current == (None if version is None else str(version)):
        return
    if version is None:
        client.delete_registered_model_alias(name, alias)
    else:
        client.set_registered_model_alias(name, alias, str(version))


def history(client: MlflowClient, name: str) -> list[dict[str, Any]]:
    """Every recorded decision on model `name`, oldest first."""
    tags = _model(client, name).tags
    out = [json.loads(v) for k, v in tags.items() if k.startswith(DECISION_PREFIX)]
    return sorted(out, key=lambda d: (d.get("at", ""), d.get("id", "")))


def recorded(client: MlflowClient, name: str, decision_id: str) -> dict[str, Any] | None:
    """The recorded decision `decision_id`, or None."""
    value = _model(client, name).tags.get(DECISION_PREFIX + decision_id)
    return None if value is None else json.loads(value)


def pending(client: MlflowClient, name: str) -> dict[str, Any] | None:
    """The decision a crash left half applied, or None."""
    value = _model(client, name).tags.get(PENDING_TAG)
    return None if value is None else json.loads(value)


def apply_decision(
    client: MlflowClient,
    name: str,
    decision: Mapping[str, Any],
    version_tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Record `decision` and make its alias moves, write-ahead (module docstring).

    `decision` needs an `id` and `moves`, a list of [alias, version or None] in the order to apply;
    its `version` (the version decided on) receives `version_tags` and `rluf.decision` = the id.
    Returns the recorded decision: the earlier record, unchanged, when this id was already applied.
    """
    finish_pending(client, name)
    earlier = recorded(client, name, decision["id"])
    if earlier is not None:
        return earlier
    entry = {
        **decision,
        "at": decision.get("at") or _now(),
        "version_tags": dict(version_tags or {}),
    }
    client.set_registered_model_tag(name, PENDING_TAG, _dump(entry))
    return _complete(client, name, entry)


def finish_pending(client: MlflowClient, name: str) -> dict[str, Any] | None:
    """Roll forward the decision a crash left pending; returns it (None when there was none)."""
    entry = pending(client, name)
    return None if entry is None else _complete(client, name, entry)


def _complete(client: MlflowClient, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    client.set_registered_model_tag(name, DECISION_PREFIX + entry["id"], _dump(_record(entry)))
    version = entry.get("version")
    if version is not None:
        tags = {VERSION_DECISION_TAG: entry["id"], **entry.get("version_tags", {})}
        for k, v in tags.items():
            client.set_model_version_tag(name, str(version), k, str(v))
    for alias, version in entry.get("moves", []):
        set_alias(client, name, alias, version)
    client.delete_registered_model_tag(name, PENDING_TAG)
    return _record(entry)


def _record(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "version_tags"}


def _model(client: MlflowClient, name: str):
    try:
        return client.get_registered_model(name)
    except MlflowException:
        raise RegistryError(f"no registered model {name!r} in the MLflow registry") from None


def _dump(entry: Mapping[str, Any]) -> str:
    text = json.dumps(entry, sort_keys=True, separators=(",", ":"), default=str)
    if len(text) > 5000:  # the registry's tag column (PostgreSQL: varchar(5000))
        raise ValueError(
            f"decision {entry.get('id')} is {len(text)} characters; a registry tag holds 5000"
        )
    return text


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
