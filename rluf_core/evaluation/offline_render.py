"""offline_eval_report as Markdown tables and PNG plots (the Dagster UI, the lake, MLflow)."""

from __future__ import annotations

from rluf_core.evaluation import plots
from rluf_core.evaluation.report import EvalReport, fmt, pct
from rluf_core.markdown import table

NAME = "offline_eval_report"
ARM_PLOT = [
    "p_love_mean",
    "helpfulness_mean",
    "unsafe_rate",
    "bait_rate",
    "true_helpfulness_mean",
    "sim_love_rate",
]


def _arms(m: dict) -> list[str]:
    arms = list(m["arms"])
    keys = list(dict.fromkeys(k for a in arms for k in m["arms"][a]))
    lines = ["## Arms on the fixed prompt set", ""]
    return lines + table(
        ["metric", *arms], [[k, *(m["arms"][a].get(k) for a in arms)] for k in keys], fmt
    )


def _detectors(m: dict) -> list[str]:
    arms = list(m["detectors"])
    names = list(m["detectors"][arms[0]])
    rows = []
    for n in names:
        cells = [
            f"{fmt(m['detectors'][a][n]['value'])}{' ⚠' if m['detectors'][a][n]['flagged'] else ''}"
            for a in arms
        ]
        rows.append([n, *cells, fmt(m["detectors"][arms[0]][n]["cap"])])
    lines = [
        "",
        "## Reward-hacking detectors (⚠ = flagged)",
        "",
        "Caps: `promotion.*` where one exists, else relative to the reference replies "
        "(`evaluation.detector_ratio_cap`, `evaluation.distinct2_min_ratio`).",
        "",
    ]
    return lines + table(["detector", *arms, "cap"], rows)


def _divergence(m: dict) -> list[str]:
    rows = [
        [k, d["p_love_delta"], pct(d["helpfulness_delta_rel"]), d["unsafe_delta"], d["flagged"]]
        for k, d in m["divergence"].items()
    ]
    lines = ["", "## Proxy vs judges (P[Love] up while helpfulness or safety goes down)", ""]
    return lines + table(
        ["arm vs reference", "P[Love] delta", "helpfulness change", "unsafe delta", "divergence"],
        rows,
        fmt,
    )


def _per_topic(m: dict) -> list[str]:
    keys = [k for k in m["per_topic"][0] if k not in ("topic", "arm")] if m["per_topic"] else []
    lines = ["", "## Per topic", ""]
    return lines + table(
        ["topic", "arm", *keys],
        [[r["topic"], r["arm"], *(r.get(k) for k in keys)] for r in m["per_topic"]],
        fmt,
    )


def _correlation(m: dict, prefix: str) -> list[str]:
    if "variants" not in m:
        return []
    r = m.get("offline_online_pearson")
    lines = [
        "",
        "## Offline predicts online",
        "",
        f"Pearson r = **{fmt(r)}** over {m['n_variants']} variants "
        f"({m.get('n_failed', 0)} failed).",
        "",
    ]
    rows = [
        [
            v["name"],
            v["status"],
            v.get("offline_p_love_mean"),
            v.get("online_love_rate"),
            v.get("error"),
        ]
        for v in m["variants"]
    ]
    lines += table(
        ["variant", "status", "offline mean P[Love]", "online love rate", "error"], rows, fmt
    )
    return lines + ["", f"![offline vs online]({prefix}correlation.png)"]


def _sweep(m: dict, prefix: str) -> list[str]:
    if "weight_sweep" not in m:
        return []
    cols = [
        "weight",
        "love_lift",
        "love_lift_ci_low",
        "helpfulness_delta_rel",
        "unsafe_rate",
        "bait_rate",
        "bait_ratio_to_base",
        "bye_rate",
        "promoted",
    ]
    lines = ["", "## P[Love] weight sweep", ""]
    lines += table(
        cols + ["flagged"],
        [[r[c] for c in cols] + [", ".join(r["flagged"])] for r in m["weight_sweep"]],
        fmt,
    )
    return lines + ["", f"![weight sweep]({prefix}weight_sweep.png)"]


def render_markdown(m: dict, prefix: str = f"{NAME}_") -> str:
    lines = [f"# Offline evaluation on {m['n_prompts']} fixed prompts (held out by time)", ""]
    lines += _arms(m) + ["", f"![arms]({prefix}arms.png)"] + _detectors(m) + _divergence(m)
    lines += _correlation(m, prefix) + _sweep(m, prefix) + _per_topic(m)
    return "\n".join(lines + [""])


def build_offline_report(m: dict) -> EvalReport:
    """The EvalReport (Markdown + images) of an offline report dict (offline_report + attach)."""
    images = {
        "arms.png": plots.arms_png(m["arms"], [k for k in ARM_PLOT if k in m["arms"]["reference"]])
    }
    ok = [v for v in m.get("variants", []) if v["status"] == "ok"]
    if "variants" in m:
        images["correlation.png"] = plots.scatter_png(
            [v["offline_p_love_mean"] for v in ok],
            [v["online_love_rate"] for v in ok],
            [v["name"] for v in ok],
            m.get("offline_online_pearson"),
        )
    if m.get("weight_sweep"):
        images["weight_sweep.png"] = plots.sweep_png(m["weight_sweep"])
    return EvalReport(NAME, m, render_markdown(m), images)
