"""Markdown tables for the human-readable reports (Dagster metadata, lake reports, MLflow artifacts).

The one way to render a table: ``table`` for rows, ``frame_table`` for a DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd


def table(
    header: Sequence[str], rows: Iterable[Sequence], fmt: Callable[[object], str] | None = None
) -> list[str]:
    """The lines of a Markdown table; ``fmt`` renders a cell (default: str, None as empty)."""
    fmt = fmt or (lambda v: "" if v is None else str(v))
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows]


def short_cell(value: object, width: int = 60) -> str:
    """A cell on one line: empty for None/NaN, cut to `width` characters, '|' written as '/'."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return text[:width].replace("|", "/").replace("\n", " ")


def frame_table(
    df: pd.DataFrame, fmt: Callable[[object], str] | None = None, rows: int | None = None
) -> str:
    """A DataFrame (its first `rows` rows, default all) as a Markdown table, each cell by `fmt`."""
    head = df if rows is None else df.head(rows)
    return "\n".join(
        table([str(c) for c in head.columns], head.itertuples(index=False, name=None), fmt)
    )
