"""Markdown tables for the human-readable reports (Dagster metadata, lake reports, MLflow artifacts)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


def table(header: Sequence[str], rows: Iterable[Sequence], fmt: Callable[[object], str] | None = None) -> list[str]:
    """The lines of a Markdown table; ``fmt`` renders a cell (default: str, None as empty)."""
    fmt = fmt or (lambda v: "" if v is None else str(v))
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows]
