"""policy_checkpoint's Markdown: what was trained, the quick check judged by the simulator's users,
methods side by side, samples (evaluation renders what the simulator judged; training never reads it)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from rluf_core.markdown import table


def _f(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "" if v is None else str(v)


def _pct(v: object) -> str:
    return f"{100 * v:+.1f}%" if isinstance(v, (int, float)) else ""


def render_policy_report(m: dict[str, Any], samples: pd.DataFrame) -> str:
    w = m.get("weights", {})
    lines = [
        f"# policy_checkpoint: {m.get('method')} ({m.get('steps')} steps)",
        "",
        f"Reward weights: P[Love] {w.get('p_love')}, helpfulness {w.get('helpfulness')}, "
        f"safety {w.get('safety')} (veto on). KL to the base policy: {_f(m.get('kl_to_reference'))} nats "
        f"per reply. Model: {m.get('model_uri', 'not registered')} (version {m.get('model_version', '-')}).",
        "",
    ]
    if "base_vs_production" in m:
        lines += [
            "## Judged by the simulator's users on held-out prompts",
            "",
            f"{m['n_prompts']} prompts from the held-out days.",
            "",
        ]
        rows = [
            [
                k,
                _f(v["production"]),
                _f(v["base"]),
                _pct(v["rel_diff"]),
                "yes" if v["within"] else "NO",
                _f(m["trained"][k]),
            ]
            for k, v in m["base_vs_production"].items()
        ]
        lines += table(
            [
                "metric",
                "production",
                "base policy",
                "base vs production",
                "within tolerance",
                "trained policy",
            ],
            rows,
        )
        lines += [
            "",
            f"Love lift vs base: **{_pct(m['love_lift_vs_base'])}**; helpfulness "
            f"{_pct(m['helpfulness_delta_rel'])}; unsafe {100 * m['unsafe_delta']:+.2f} points.",
            "",
        ]
    if m.get("by_method"):
        rows = [
            [
                k,
                _f(v.get("love_rate")),
                _pct(v.get("love_lift_vs_base")),
                _f(v.get("true_helpfulness")),
                _f(v.get("bait_rate")),
                v.get("model_version") or "",
            ]
            for k, v in sorted(m["by_method"].items())
        ]
        lines += ["## Methods side by side", ""]
        lines += table(
            [
                "method",
                "love rate",
                "love lift vs base",
                "true helpfulness",
                "bait rate",
                "version",
            ],
            rows,
        )
        lines.append("")
    if len(samples):
        lines += ["## Sample completions", ""]
        lines += table(
            list(samples.columns),
            samples.head(10).itertuples(index=False),
            fmt=lambda v: str(v).replace("|", "/")[:200],
        )
    return "\n".join(lines) + "\n"
