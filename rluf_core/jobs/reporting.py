"""How a job reports back: to Dagster through Pipes when launched by it, else to the log.

rluf_core never imports the orchestrator. A job launched by Dagster (DAGSTER_PIPES_CONTEXT in its
environment) loads the zero-dependency `dagster-pipes` protocol package, the one Dagster publishes
for external processes, as an optional plugin; run by hand, the same job logs to stderr.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("rluf.jobs")

PIPES_ENV = "DAGSTER_PIPES_CONTEXT"
PIPES_PACKAGE = "dagster_pipes"


class Reporter:
    """Reports progress, metadata and the final result of a job."""

    def __init__(self, pipes: Any | None = None):
        self._pipes = pipes

    @property
    def extras(self) -> dict[str, Any]:
        return dict(self._pipes.extras) if self._pipes is not None else {}

    def log(self, message: str) -> None:
        log.info(message)
        if self._pipes is not None:
            self._pipes.log.info(message)

    def report_materialization(
        self, metadata: dict[str, Any], data_version: str | None = None
    ) -> None:
        clean = {k: v for k, v in metadata.items() if v is not None}
        log.info("result: %s", clean)
        if self._pipes is not None:
            self._pipes.report_asset_materialization(metadata=clean, data_version=data_version)


@contextmanager
def open_reporter() -> Iterator[Reporter]:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if os.environ.get(PIPES_ENV):
        pipes = importlib.import_module(PIPES_PACKAGE)
        with pipes.open_dagster_pipes() as ctx:
            yield Reporter(ctx)
    else:
        yield Reporter(None)
