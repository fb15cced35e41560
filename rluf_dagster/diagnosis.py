"""Failures as diagnoses: the Dagster side of rluf_core.quality.diagnosis.

`quality_failure` is the dg.Failure a blocking check raises after recording its result, so that
the run
failure in the Dagster UI carries the diagnosis; `run_failure_text` reads that text (or the error of
any other failed step) back from a finished run, for the `rluf` commands to print instead of a
traceback.
"""

from __future__ import annotations

import dagster as dg

from rluf_core.config import RlufConfig
from rluf_core.lake import Lake
from rluf_core.quality import QualityResult
from rluf_core.quality.diagnosis import diagnose
from rluf_dagster.run_failed import RunFailed

__all__ = ["RunFailed", "quality_failure", "run_failure_text"]


def quality_failure(lake: Lake, cfg: RlufConfig, result: QualityResult) -> dg.Failure:
    """The failure a blocking quality check raises: the diagnosis as its description."""
    return dg.Failure(
        description=diagnose(lake, cfg, result),
        metadata={
            "dataset": result.suite,
            "partition": result.day,
            "failed": result.failure_summary()[:1000],
        },
        allow_retries=False,
    )


def _step_text(event: dg.DagsterEvent) -> str:
    data = event.step_failure_data
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description
    err = data.error
    while (
        err is not None
        and err.cause is not None
        and err.cls_name == "DagsterExecutionStepExecutionError"
    ):
        err = err.cause
    first = (err.message if err is not None else "unknown error").strip().splitlines()
    return f"step {event.step_key} failed: {first[0] if first else 'unknown error'}"


def run_failure_text(
    result: dg.ExecuteInProcessResult, job: str, partition: str | None = None
) -> str:
    """What went wrong in a failed run, as the steps' diagnoses (no traceback) and where to look
    further."""
    texts = [_step_text(e) for e in result.all_events if e.is_step_failure]
    where = f"job {job}" + (f" partition {partition}" if partition else "")
    head = f"{where} failed (run id {result.run_id}; details in the Dagster UI: rluf dev)"
    return "\n".join([head, *dict.fromkeys(texts)])
