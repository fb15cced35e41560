"""The closing summary of `rluf demo`: love lift, gates, champion versions, where the reports are.

It reads the lake's reports (the same JSON scripts and CI read), so it says what the runs wrote.
"""

from __future__ import annotations

from typing import Any

from rluf_core.config import RlufConfig
from rluf_core.lake import Lake


def _read(lake: Lake, name: str) -> dict[str, Any]:
    try:
        return lake.read_report(name)
    except (FileNotFoundError, OSError, ValueError):
        return {}


def _pct(v: Any) -> str:
    return f"{100 * v:+.1f}%" if isinstance(v, (int, float)) else "n/a"


def summary_lines(cfg: RlufConfig) -> list[str]:
    lake = Lake(cfg.storage.lake)
    ab, ckpt = _read(lake, "ab_test_report"), _read(lake, "policy_checkpoint")
    lines = ["Summary:"]
    if ab:
        lines.append(
            f"  A/B (simulated users): love lift {_pct(ab.get('love_lift'))} "
            f"[{_pct(ab.get('love_lift_ci_low'))}, {_pct(ab.get('love_lift_ci_high'))}], "
            f"helpfulness {_pct(ab.get('helpfulness_delta_rel'))}, "
            f"unsafe {100 * ab.get('unsafe_delta', 0):+.2f} points"
        )
    if ckpt:
        lines.append(
            f"  policy_checkpoint: {ckpt.get('method')} {ckpt.get('steps')} steps, love lift vs base "
            f"{_pct(ckpt.get('love_lift_vs_base'))} on {ckpt.get('n_prompts', 'n/a')} held-out prompts, "
            f"{ckpt.get('model_name', cfg.policy.model_name)} v{ckpt.get('model_version', '?')}"
        )
    for name in ("champion_policy", "champion_p_love"):
        rep = _read(lake, name)
        if not rep:
            continue
        d = rep.get("decision", {})
        failed = [g.get("name") for g in d.get("gates", []) if not g.get("passed")]
        gates = f"gates refused: {', '.join(map(str, failed))}" if failed else "all gates passed"
        lines.append(
            f"  {rep.get('model')}: {rep.get('outcome')} ({gates}); aliases "
            + ", ".join(f"{k} v{v}" for k, v in rep.get("aliases", {}).items())
        )
    return lines
