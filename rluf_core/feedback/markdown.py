"""feedback_dataset's report as Markdown tables (the Dagster metadata and the lake report show the same)."""

from __future__ import annotations

from rluf_core.adversarial.detectors import KINDS
from rluf_core.markdown import table


def _table(header: list[str], rows: list[list]) -> list[str]:
    return table(header, rows) + [""]


def _count(x):
    """A count the evaluation stores as a float (it also sums weights): 254.0 -> 254."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _pct(x) -> str:
    """A share as a percentage; 'n/a' where it is undefined (no honest reacting user, no positive label)."""
    return "n/a" if x is None else f"{x:.2%}"


def _removed_rows(report: dict) -> list[list]:
    rows = []
    for reason, r in report.get("removed", {}).items():
        if reason == "adversarial_user":
            for kind, k in r.items():
                rows.append([f"flagged user: {kind}", k["rows"], k["positive"], k["users"]])
        else:
            rows.append(
                [reason.replace("_", " "), r.get("rows"), r.get("positive"), r.get("users", "")]
            )
    return rows


def _weighted_rows(report: dict) -> list[list]:
    rows = []
    for key, r in report.items():
        if key.startswith("downweighted_") and isinstance(r, dict) and "weight_removed" in r:
            rows.append(
                [
                    key.removeprefix("downweighted_").replace("_", " "),
                    r.get("rows"),
                    r.get("users"),
                    r["weight_removed"],
                    r.get("positive_weight_removed", ""),
                ]
            )
    dw = report.get("downweighted")
    if dw:
        for kind, k in dw.get("by_kind", {}).items():
            rows.append([f"flagged user: {kind} (x{dw['factor']})", k["rows"], k["users"], "", ""])
    return rows


def _evaluation(ev: dict) -> list[str]:
    users, lab = ev["users"], ev["labels"]
    lines = ["## Against the simulator's ground truth", "", "Users who reacted in the window:", ""]
    lines += _table(
        ["kind", "precision", "recall", "true", "flagged as"],
        [
            [
                k,
                users[k]["precision"],
                users[k]["recall"],
                _count(users[k]["true"]),
                _count(users[k]["flagged_as"]),
            ]
            for k in KINDS
        ],
    )
    best = users["troll"].get("best_recall_at_precision_0.9")
    if best is not None:
        lines += [
            f"Inverted raters: the best recall any posterior threshold reaches at precision >= 0.90 is {best:.3f} "
            f"(the configured threshold: recall {users['troll']['recall']}, precision {users['troll']['precision']}).",
            "",
        ]
    lines += [
        f"Honest reacting users flagged: {users['honest_flagged']} ({_pct(users['honest_flagged_share'])}).",
        "",
        "Positive labels:",
        "",
    ]
    left = lab.get("adversarial_positive_left_by_kind", {})
    lines += _table(
        ["kind", "precision", "recall", "true", "left in the dataset"],
        [
            [k, lab[k]["precision"], lab[k]["recall"], _count(lab[k]["true"]), left.get(k)]
            for k in KINDS
        ],
    )
    lines += [
        f"Adversarial share of positive labels: {_pct(lab['adversarial_positive_share_before'])} before, "
        f"{_pct(lab['adversarial_positive_share_after'])} after "
        f"({_pct(lab['adversarial_positive_weight_share_after'])} by weight).",
        "",
    ]
    return lines


def markdown(report: dict) -> str:
    lines = [
        "# feedback_dataset",
        "",
        f"Rows {report['input_rows']:,} -> {report['output_rows']:,}; positive labels "
        f"{report['input_positive']:,} -> {report['output_positive']:,} "
        f"(weighted {report.get('weighted_positive', '')}); reputation as of {report.get('reputation_as_of')}.",
        "",
        "## Removed",
        "",
    ]
    held = report.get("held_days_excluded")
    if held:
        lines[-2:-2] = [
            f"Held days left out (their raw quality checks failed): {', '.join(held)}.",
            "",
        ]
    lines += _table(["why", "rows", "positive", "users"], _removed_rows(report))
    weighted = _weighted_rows(report)
    if weighted:
        lines += ["## Down-weighted (kept, with a smaller sample weight)", ""]
        lines += _table(
            ["why", "rows", "users", "weight removed", "positive weight removed"], weighted
        )
    cap = report.get("capped")
    if cap:
        lines += [
            f"Per-user daily cap: {cap['cap']} labels ({cap['mode']}); {cap['rows_over_cap']} rows of "
            f"{cap['users_over_cap']} users over it.",
            "",
        ]
    splits = report.get("splits", {})
    if splits:
        lines += ["## Splits (by time)", ""]
        lines += _table(
            ["split", "rows", "positive", "days"],
            [
                [
                    k,
                    v["rows"],
                    v["positive"],
                    f"{v['days'][0]} .. {v['days'][-1]}" if v["days"] else "",
                ]
                for k, v in splits.items()
            ],
        )
    if report.get("evaluation"):
        lines += _evaluation(report["evaluation"])
    return "\n".join(lines)
