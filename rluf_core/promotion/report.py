"""The decision report: lake/reports/champion_policy.json (or champion_p_love.json), Markdown too.

The JSON holds the latest decision with its gate numbers, the aliases after it and the last entries
of the registry's decision history; a decision re-run unchanged (same id, same aliases) rewrites
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rluf_core.lake import Lake
from rluf_core.markdown import table

POLICY_REPORT = "champion_policy"
P_LOVE_REPORT = "champion_p_love"
HISTORY_ROWS = 20


def report_body(
    decision: Mapping[str, Any], aliases: Mapping[str, str], history: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """What the report records: the decision, the aliases now, and the recent history."""
    return {
        "decision": dict(decision),
        "model": decision.get("model"),
        "outcome": decision.get("outcome"),
        "aliases": dict(sorted(aliases.items())),
        "history": [dict(h) for h in history[-HISTORY_ROWS:]],
    }


def markdown(body: Mapping[str, Any]) -> str:
    """The report as Markdown: outcome, aliases, gates, history."""
    d = body["decision"]
    lines = [
        f"# {body['model']}: {d.get('outcome')}",
        "",
        f"{d.get('reason', '')}",
        "",
        f"Decision `{d.get('id')}` ({d.get('kind')}) on version {d.get('version')}, "
        f"champion {d.get('champion_before') or 'none'} -> {d.get('champion_after') or 'none'}.",
        "",
        "## Aliases",
        "",
    ]
    lines += table(["alias", "version"], body["aliases"].items())
    if d.get("gates"):
        lines += ["", "## Gates", ""]
        lines += table(
            ["gate", "passed", "value", "threshold", "reason"],
            [
                (g["name"], g["passed"], _num(g["value"]), _num(g["threshold"]), g["reason"])
                for g in d["gates"]
            ],
        )
    lines += ["", "## History", ""]
    lines += table(
        ["at", "kind", "version", "outcome", "champion after", "reason"],
        [
            (
                h.get("at"),
                h.get("kind"),
                h.get("version"),
                h.get("outcome"),
                h.get("champion_after"),
                h.get("reason"),
            )
            for h in body["history"]
        ],
    )
    return "\n".join(lines) + "\n"


def write_decision_report(lake: Lake, name: str, body: Mapping[str, Any]) -> tuple[str, bool]:
    """Write reports/<name>.json and .md unless the latest already records this decision and these
    aliases. Returns (path, written)."""
    path = lake.report_path(name)
    if lake.fs.exists(path):
        old = lake.read_report(name)
        same = (
            old.get("decision", {}).get("id") == body["decision"].get("id")
            and old.get("aliases") == body["aliases"]
        )
        if same:
            return path, False
    return lake.write_report(name, dict(body), markdown(body)), True


def _num(v: object) -> str:
    return "" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)
