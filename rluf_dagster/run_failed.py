"""RunFailed: a Dagster run of an `rluf` command failed (no Dagster import, so the CLI can catch
it cheaply)."""

from __future__ import annotations


class RunFailed(Exception):
    """The message is the run's diagnosis, printed by the `rluf` command instead of a traceback."""

    def __init__(self, text: str, job: str, partition: str | None, run_id: str):
        super().__init__(text)
        self.text, self.job, self.partition, self.run_id = text, job, partition, run_id
