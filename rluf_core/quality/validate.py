"""Validate one day of a dataset: the suite for it, the trailing-days checks, and the stored result.

Runnable outside Dagster: ``validate_partition(lake, cfg, "raw_turns", "2026-01-03")``. Results are
stored in the lake (``quality/<dataset>/date=<day>.json``) so that later runs can be gated on them
(``require_passed``) even when the check ran in an earlier run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pandas as pd
import pyarrow.parquet as pq

from rluf_core.config.schema import RlufConfig
from rluf_core.lake import Lake
from rluf_core.quality import suites
from rluf_core.quality.gx_runtime import run_suite
from rluf_core.quality.result import QualityResult
from rluf_core.quality.trailing import rate_check, volume_check
from rluf_core.quality.views import raw_view

log = logging.getLogger(__name__)

DATASETS = ("raw_turns", "raw_reactions", "clean_turns", "clean_reactions", "labeled_turns")


class QualityGateError(RuntimeError):
    """A partition's stored quality result failed; downstream work refuses to use it."""


def _trailing_days(day: str, n: int) -> list[str]:
    d = dt.date.fromisoformat(day)
    return [(d - dt.timedelta(days=i)).isoformat() for i in range(n, 0, -1)]


def dataset_rows(lake: Lake, name: str, day: str) -> int | None:
    if not lake.has_dataset(name, day):
        return None
    with lake.fs.open(lake.dataset_path(name, day), "rb") as f:
        return pq.ParquetFile(f).metadata.num_rows


def trailing_counts(lake: Lake, name: str, day: str, n: int) -> dict[str, int]:
    out = {d: dataset_rows(lake, name, d) for d in _trailing_days(day, n)}
    return {d: c for d, c in out.items() if c is not None}


def validate_raw(
    kind: str,
    frame: pd.DataFrame,
    files: pd.DataFrame,
    cfg: RlufConfig,
    day: str,
    trailing: dict[str, int] | None = None,
) -> QualityResult:
    checks = run_suite(raw_view(kind, frame), suites.raw_suite(kind, cfg, day))
    if len(files):
        cols = ("status", "missing_columns", "missing_optional", "type_issues", "extra_columns")
        files = files.assign(
            **{c: "" for c in cols if c not in files}
        )  # manifests stored before a column existed
        checks += run_suite(files.astype({c: "str" for c in cols}), suites.files_suite(kind))
    checks.append(volume_check(len(frame), trailing or {}, cfg.quality.volume_max_ratio))
    return QualityResult(suite=f"raw_{kind}", day=day, checks=checks, n_rows=len(frame))


def validate_clean(
    name: str,
    df: pd.DataFrame,
    cfg: RlufConfig,
    day: str,
    trailing_rates: dict[str, tuple[int, int]] | None = None,
) -> QualityResult:
    suite = {
        "clean_turns": suites.clean_turns_suite,
        "clean_reactions": suites.clean_reactions_suite,
        "labeled_turns": suites.labeled_turns_suite,
    }[name](cfg, day)
    checks = run_suite(df, suite)
    if name == "labeled_turns":
        checks.append(love_rate_outcome(df, cfg, trailing_rates or {}))
    return QualityResult(suite=name, day=day, checks=checks, n_rows=len(df))


def _rate_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose label window is complete (all rows when none is: then the check is skipped)."""
    return df[df["label_window_complete"].astype(bool)] if len(df) else df


def love_rate_outcome(df: pd.DataFrame, cfg: RlufConfig, trailing: dict[str, tuple[int, int]]):
    rows = _rate_rows(df)
    return rate_check(
        int(rows["label"].sum()) if len(rows) else 0,
        len(rows),
        trailing,
        cfg.quality.love_rate_max_ratio,
        cfg.quality.min_rows_for_rates,
    )


def trailing_love_rates(lake: Lake, day: str, n: int) -> dict[str, tuple[int, int]]:
    out = {}
    for d in _trailing_days(day, n):
        if lake.has_dataset("labeled_turns", d):
            rows = _rate_rows(
                lake.read_dataset("labeled_turns", [d], columns=["label", "label_window_complete"])
            )
            out[d] = (int(rows["label"].sum()), len(rows))
    return out


# ---- stored results (the gate) ------------------------------------------------------------------
def result_path(dataset: str, day: str) -> str:
    return f"quality/{dataset}/date={day}.json"


def store_result(lake: Lake, dataset: str, result: QualityResult) -> None:
    lake.write_bytes(result_path(dataset, result.day), result.to_json().encode())


def clear_result(lake: Lake, dataset: str, day: str) -> None:
    """Forget a stored result (the dataset was rewritten; its old verdict no longer applies)."""
    p = lake.path(result_path(dataset, day))
    if lake.fs.exists(p):
        lake.fs.rm(p)


def stored_result(lake: Lake, dataset: str, day: str) -> QualityResult | None:
    p = lake.path(result_path(dataset, day))
    if not lake.fs.exists(p):
        return None
    with lake.fs.open(p, "r") as f:
        return QualityResult.from_dict(json.load(f))


def validate_partition(
    lake: Lake, cfg: RlufConfig, dataset: str, day: str, store: bool = True
) -> QualityResult:
    """Run the dataset's suite and trailing-days checks on the lake's partition; store the result."""
    if dataset not in DATASETS:
        raise ValueError(f"no quality suite for dataset {dataset!r}; known: {DATASETS}")
    if not lake.has_dataset(dataset, day):
        raise FileNotFoundError(
            f"{lake.dataset_path(dataset, day)}: {dataset} has no partition {day}"
        )
    df = lake.read_dataset(dataset, [day])
    if dataset.startswith("raw_"):
        kind = dataset[len("raw_") :]
        files = (
            lake.read_dataset(f"{dataset}_files", [day])
            if lake.has_dataset(f"{dataset}_files", day)
            else pd.DataFrame()
        )
        result = validate_raw(
            kind,
            df,
            files,
            cfg,
            day,
            trailing_counts(lake, dataset, day, cfg.quality.volume_trailing_days),
        )
    else:
        rates = (
            trailing_love_rates(lake, day, cfg.quality.volume_trailing_days)
            if dataset == "labeled_turns"
            else None
        )
        result = validate_clean(dataset, df, cfg, day, rates)
    if store:
        store_result(lake, dataset, result)
    log.info(
        "quality %s %s: %s", dataset, day, "passed" if result.success else result.failure_summary()
    )
    return result


def require_passed(lake: Lake, cfg: RlufConfig, dataset: str, day: str) -> QualityResult:
    """The stored result of `dataset`/`day` (validating now if none is stored); raises
    QualityGateError when it failed and quality.gate_failed_partitions is on."""
    result = stored_result(lake, dataset, day) or validate_partition(lake, cfg, dataset, day)
    if not result.success and cfg.quality.gate_failed_partitions:
        raise QualityGateError(
            f"{dataset} partition {day} failed its quality checks ({result.failure_summary()}); fix the landing "
            f"files and re-materialise it, or set quality.gate_failed_partitions: false to use it anyway"
        )
    return result


def failed_days(
    lake: Lake, cfg: RlufConfig, datasets: tuple[str, ...], days: list[str]
) -> list[str]:
    """Days whose stored result failed for any of `datasets` (their blocking checks ran and failed),
    when quality.gate_failed_partitions is on: later runs leave them out. A day with no stored
    result is not failed here (its check has not run, or its data was rewritten since)."""
    if not cfg.quality.gate_failed_partitions:
        return []
    return [
        d
        for d in days
        if any((r := stored_result(lake, ds, d)) is not None and not r.success for ds in datasets)
    ]


def require_not_failed(lake: Lake, cfg: RlufConfig, datasets: tuple[str, ...], day: str) -> None:
    """QualityGateError when a stored result of `day` failed for one of `datasets` (failed_days)."""
    for ds in datasets:
        if failed_days(lake, cfg, (ds,), [day]):
            raise QualityGateError(
                f"{ds} partition {day} failed its quality checks ({_summary(stored_result(lake, ds, day))}); "
                f"fix it and re-materialise, or set quality.gate_failed_partitions: false to use it anyway"
            )


def _summary(result: QualityResult | None) -> str:
    return result.failure_summary() if result is not None else "no stored result"
