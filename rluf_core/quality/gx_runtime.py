"""Running GX Core 1.x suites on pandas frames: one ephemeral context per process, reused."""

from __future__ import annotations

import logging
import threading

import pandas as pd

from rluf_core.quality.result import CheckOutcome

log = logging.getLogger(__name__)
_lock = threading.Lock()
_state: dict = {}


def _batch_definition():
    """The process-wide GX context and a whole-dataframe batch definition (created on first use)."""
    with _lock:
        if "bd" not in _state:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            ctx = gx.get_context(mode="ephemeral")
            try:
                ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
            except Exception:  # noqa: BLE001 - cosmetic only
                pass
            asset = ctx.data_sources.add_pandas("rluf").add_dataframe_asset("frame")
            _state["ctx"] = ctx
            _state["bd"] = asset.add_batch_definition_whole_dataframe("whole")
        return _state["bd"]


def context():
    """The process-wide ephemeral GX context (created on first use)."""
    _batch_definition()
    return _state["ctx"]


def _examples(values, limit: int = 5) -> list[str]:
    out = []
    for v in list(values or [])[:limit]:
        s = str(v)
        out.append(s if len(s) <= 120 else s[:117] + "...")
    return out


def run_suite(df: pd.DataFrame, suite) -> list[CheckOutcome]:
    """Validate `df` against a gx.ExpectationSuite; one CheckOutcome per expectation."""
    bd = _batch_definition()
    batch = bd.get_batch(batch_parameters={"dataframe": df})
    res = batch.validate(
        suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
    )
    out = []
    for r in res.results:
        cfg = r.expectation_config
        kw = cfg.kwargs
        result = r.result or {}
        observed = result.get("observed_value", "")
        if r.exception_info and r.exception_info.get("raised_exception"):
            observed = f"exception: {r.exception_info.get('exception_message')}"
        out.append(
            CheckOutcome(
                name=cfg.type,
                column=kw.get("column"),
                success=bool(r.success),
                severity=(cfg.meta or {}).get("severity", "error"),
                unexpected_count=int(result.get("unexpected_count") or 0),
                element_count=int(result.get("element_count") or len(df)),
                examples=_examples(result.get("partial_unexpected_list")),
                observed="" if observed is None else str(observed)[:200],
            )
        )
    return out
