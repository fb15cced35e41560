"""Exact reconciliation: every input row is clean, quarantined, or a collapsed duplicate."""

from __future__ import annotations

from typing import Any


class ReconciliationError(AssertionError):
    pass


def reconciliation(
    source: str,
    n_input: int,
    outcomes: dict[str, int],
    reasons: dict[str, int],
    n_clean_out: int,
    n_quarantine_out: int,
) -> dict:
    n_clean = int(outcomes.get("clean", 0))
    n_q = int(outcomes.get("quarantine", 0))
    n_dup = int(outcomes.get("duplicate", 0))
    rec: dict[str, Any] = {
        "source": source,
        "input_rows": int(n_input),
        "clean": int(n_clean_out),
        "quarantined": int(n_quarantine_out),
        "duplicates_collapsed": n_dup,
        "quarantine_reasons": dict(reasons),
    }
    rec["balanced"] = (
        rec["input_rows"] == rec["clean"] + rec["quarantined"] + n_dup
        and n_clean == rec["clean"]
        and n_q == rec["quarantined"]
    )
    if not rec["balanced"]:
        raise ReconciliationError(f"{source}: rows do not reconcile: {rec} (classified {outcomes})")
    return rec
