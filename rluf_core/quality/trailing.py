"""Checks against the trailing days that GX has no expectation for: volume and love rate.

Plain pandas/numpy functions reporting in the same CheckOutcome format as the GX suites.
"""

from __future__ import annotations

import statistics

from rluf_core.quality.result import CheckOutcome


def volume_check(n_today: int, trailing: dict[str, int], max_ratio: float) -> CheckOutcome:
    """Fails when today's rows are max_ratio times or more, or 1/max_ratio or less, of the
    median of the trailing days (passes, noted, when there are no trailing days yet)."""
    base = [n for n in trailing.values() if n is not None]
    name = "volume_vs_trailing_days"
    if not base:
        return CheckOutcome(
            name=name,
            success=True,
            kind="custom",
            element_count=n_today,
            observed="no trailing days yet",
        )
    med = statistics.median(base)
    ratio = (n_today / med) if med > 0 else (float("inf") if n_today else 1.0)
    ok = (1.0 / max_ratio) < ratio < max_ratio
    return CheckOutcome(
        name=name,
        success=ok,
        kind="custom",
        element_count=n_today,
        unexpected_count=0 if ok else abs(int(n_today - med)),
        observed=f"{n_today} rows vs median {med:g} of {len(base)} trailing days (ratio {ratio:.2f}, "
        f"must be strictly between {1 / max_ratio:.2f} and {max_ratio:g})",
        examples=[f"{d}: {n}" for d, n in sorted(trailing.items())[-5:]],
    )


def rate_check(
    positives: int,
    total: int,
    trailing: dict[str, tuple[int, int]],
    max_ratio: float,
    min_rows: int,
    name: str = "love_rate_vs_trailing_days",
) -> CheckOutcome:
    """Today's rate (positives/total) vs the trailing days' pooled rate, within max_ratio either way.
    Skipped (passes, noted) with fewer than min_rows rows today or no trailing positives."""
    tp = sum(p for p, _ in trailing.values())
    tn = sum(n for _, n in trailing.values())
    if total < min_rows or tn < min_rows or tp == 0:
        return CheckOutcome(
            name=name,
            success=True,
            kind="custom",
            element_count=total,
            observed=f"skipped: {total} rows today, {tn} rows / {tp} positives trailing",
        )
    rate, base = positives / total, tp / tn
    ratio = rate / base
    ok = (1.0 / max_ratio) <= ratio <= max_ratio
    return CheckOutcome(
        name=name,
        success=ok,
        kind="custom",
        element_count=total,
        unexpected_count=0 if ok else positives,
        observed=f"rate {rate:.4f} vs trailing {base:.4f} (ratio {ratio:.2f}, allowed {1 / max_ratio:.2f}..{max_ratio:g})",
        examples=[f"{d}: {p}/{n}" for d, (p, n) in sorted(trailing.items())[-5:]],
    )
