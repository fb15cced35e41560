"""Dagster metadata shared by the groups: sample tables, images and quality-check results."""

from __future__ import annotations

import base64
from functools import partial

import dagster as dg
import pandas as pd

from rluf_core.markdown import frame_table, short_cell
from rluf_core.quality import QualityResult


def md_table(df: pd.DataFrame | None, rows: int = 5, width: int = 60) -> dg.MetadataValue:
    """A small Markdown sample table (text cut to `width` characters)."""
    if df is None or not len(df):
        return dg.MetadataValue.md("_no rows_")
    return dg.MetadataValue.md(
        frame_table(df.head(rows).astype(object), partial(short_cell, width=width))
    )


def png(name: str, data: bytes) -> dg.MetadataValue:
    """A PNG image shown inline in the Dagster UI."""
    return dg.MetadataValue.md(
        f"![{name}](data:image/png;base64,{base64.b64encode(data).decode()})"
    )


def check_result(result: QualityResult) -> dg.AssetCheckResult:
    """A QualityResult as an asset check result: failed expectations with counts and examples."""
    failed = list(result.failed)
    return dg.AssetCheckResult(
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=None if result.success else result.failure_summary()[:1000],
        metadata={
            "rows": result.n_rows,
            "checks": len(result.checks),
            "failed_expectations": dg.MetadataValue.json(
                [
                    {
                        "check": c.label,
                        "severity": c.severity,
                        "unexpected_count": c.unexpected_count,
                        "element_count": c.element_count,
                        "observed": c.observed,
                        "examples": c.examples,
                    }
                    for c in failed
                ]
            ),
            "failed_count": sum(1 for c in failed if c.severity == "error"),
            "warnings": sum(1 for c in failed if c.severity == "warn"),
            "report": dg.MetadataValue.md(result.to_markdown()),
        },
    )
