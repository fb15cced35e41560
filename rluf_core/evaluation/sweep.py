"""The paper's weight table: per P[Love] weight, what the policy trained at that weight did.

Each weight contributes its offline report (arms "champion" = the base policy and "challenger" =
the policy trained at that weight, on the fixed prompts) and its A/B report (challenger as treatment
against the base policy as control). The promotion gates are passed in (the promotion package owns
them): `gates(offline_report, ab_report) -> (promoted, reasons)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rluf_core.evaluation.offline import CHALLENGER, CHAMPION, flagged

Gates = Callable[[dict, dict], tuple[bool, list[str]]]
ROW_KEYS = (
    "weight",
    "love_lift",
    "love_lift_ci_low",
    "love_lift_ci_high",
    "helpfulness_delta_rel",
    "unsafe_rate",
    "unsafe_delta",
    "bait_rate",
    "base_bait_rate",
    "bait_ratio_to_base",
    "bye_rate",
    "base_bye_rate",
    "p_love_mean",
    "flagged",
    "promoted",
    "reasons",
)


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def sweep_row(weight: float, offline: dict, ab: dict, gates: Gates) -> dict:
    """One row of the table (keys ROW_KEYS) from one weight's offline and A/B reports."""
    for arm in (CHAMPION, CHALLENGER):
        if arm not in offline.get("arms", {}):
            raise ValueError(
                f"weight_sweep: the offline report of weight {weight:g} has no {arm!r} arm"
            )
    det_c, det_b = offline["detectors"][CHALLENGER], offline["detectors"][CHAMPION]
    promoted, reasons = gates(offline, ab)
    return {
        "weight": float(weight),
        "love_lift": ab.get("love_lift"),
        "love_lift_ci_low": ab.get("love_lift_ci_low"),
        "love_lift_ci_high": ab.get("love_lift_ci_high"),
        "helpfulness_delta_rel": ab.get("helpfulness_delta_rel"),
        "unsafe_rate": offline["arms"][CHALLENGER]["unsafe_rate"],
        "unsafe_delta": ab.get("unsafe_delta"),
        "bait_rate": det_c["bait_rate"]["value"],
        "base_bait_rate": det_b["bait_rate"]["value"],
        "bait_ratio_to_base": _ratio(det_c["bait_rate"]["value"], det_b["bait_rate"]["value"]),
        "bye_rate": det_c["bye_rate"]["value"],
        "base_bye_rate": det_b["bye_rate"]["value"],
        "p_love_mean": offline["arms"][CHALLENGER]["p_love_mean"],
        "flagged": flagged(offline, CHALLENGER),
        "promoted": bool(promoted),
        "reasons": list(reasons),
    }


def weight_sweep(results: Mapping[float, tuple[dict, dict]], gates: Gates | None) -> list[dict]:
    """Rows sorted by weight from {weight: (offline report, A/B report)}."""
    if not results:
        raise ValueError("weight_sweep: no weights evaluated (evaluation.sweep_weights)")
    if gates is None:
        raise ValueError(
            "weight_sweep: the promotion gates are needed to say which weight is promoted"
        )
    return [sweep_row(w, *results[w], gates) for w in sorted(results)]


def attach(
    report: dict, *, sweep: list[dict] | None = None, correlation: dict | None = None
) -> dict:
    """The offline report with `weight_sweep` and the correlation's keys (offline_online_pearson,
    n_variants, n_failed, variants) added in place; returns it."""
    if sweep is not None:
        report["weight_sweep"] = sweep
    if correlation is not None:
        for k in ("offline_online_pearson", "n_variants", "n_failed", "variants", "online_turns"):
            if k in correlation:
                report[k] = correlation[k]
    return report
