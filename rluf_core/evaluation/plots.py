"""The evaluation reports' plots as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def lift_by_topic_png(rows: list[dict], overall: dict) -> bytes:
    """Relative love lift per topic with its 95% interval, and the overall lift."""
    rows = [{"topic": "ALL", **overall}] + list(rows)
    y = np.arange(len(rows))[::-1]
    lift = np.array([r["love_lift"] if r["love_lift"] is not None else np.nan for r in rows])
    lo = np.array(
        [r["love_lift_ci_low"] if r["love_lift_ci_low"] is not None else np.nan for r in rows]
    )
    hi = np.array(
        [r["love_lift_ci_high"] if r["love_lift_ci_high"] is not None else np.nan for r in rows]
    )
    fig, ax = plt.subplots(figsize=(5.6, 0.35 * len(rows) + 1.2))
    ax.errorbar(100 * lift, y, xerr=[100 * (lift - lo), 100 * (hi - lift)], fmt="o", capsize=3)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(y, [r["topic"] for r in rows])
    ax.set(xlabel="love lift, treatment vs control (%)", title="Simulated A/B: love lift (95% CI)")
    return _png(fig)


def arms_png(arms: dict[str, dict], metrics: list[str]) -> bytes:
    """Grouped bars: one group per metric, one bar per arm (values as given)."""
    names = list(arms)
    x = np.arange(len(metrics))
    w = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(1.2 * len(metrics) + 2, 3.6))
    for i, a in enumerate(names):
        vals = [arms[a].get(m) or 0.0 for m in metrics]
        ax.bar(x + i * w - 0.4 + w / 2, vals, w, label=a)
    ax.set_xticks(x, metrics, rotation=30, ha="right")
    ax.set(title="Arms on the fixed prompt set")
    ax.legend(fontsize=8)
    return _png(fig)


def scatter_png(xs: list[float], ys: list[float], labels: list[str], r: float | None) -> bytes:
    """Offline mean P[Love] (x) against simulated online love rate (y), one point per variant."""
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    ax.scatter(xs, ys)
    for x, y, name in zip(xs, ys, labels):
        ax.annotate(name, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if len(xs) >= 2:
        k, b = np.polyfit(xs, ys, 1)
        grid = np.linspace(min(xs), max(xs), 10)
        ax.plot(grid, k * grid + b, "k--", lw=0.8)
    title = "Offline predicts online" + (f" (Pearson r = {r:.3f})" if r is not None else "")
    ax.set(
        xlabel="offline mean P[Love] (fixed prompts)",
        ylabel="simulated online love rate",
        title=title,
    )
    return _png(fig)


def sweep_png(rows: list[dict]) -> bytes:
    """Love lift, helpfulness change and bait ratio against the P[Love] weight."""
    w = [r["weight"] for r in rows]
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.6))
    ax[0].plot(w, [100 * (r["love_lift"] or 0) for r in rows], "o-", label="love lift (%)")
    ax[0].plot(
        w,
        [100 * (r["helpfulness_delta_rel"] or 0) for r in rows],
        "s-",
        label="helpfulness change (%)",
    )
    ax[0].axhline(0, color="k", lw=0.8)
    ax[0].set(xlabel="P[Love] weight", title="Lift and helpfulness")
    ax[0].legend(fontsize=8)
    ax[1].plot(w, [r["bait_ratio_to_base"] or 0 for r in rows], "o-", color="C3")
    for r in rows:
        ax[1].annotate(
            "promoted" if r["promoted"] else "refused",
            (r["weight"], r["bait_ratio_to_base"] or 0),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax[1].set(xlabel="P[Love] weight", ylabel="bait rate / base", title="Bait phrases")
    return _png(fig)
