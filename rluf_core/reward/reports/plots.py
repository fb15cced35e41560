"""Reliability diagram and ROC curve as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402

from rluf_core.reward.reports.metrics import reliability  # noqa: E402


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def reliability_png(
    y: np.ndarray, scores: dict[str, np.ndarray], w: np.ndarray | None = None, bins: int = 15
) -> bytes:
    fig, ax = plt.subplots(figsize=(4.8, 4.4))
    hi = 0.0
    for name, p in scores.items():
        r = reliability(y, p, w, bins)
        ax.plot(r["mean_score"], r["observed"], marker="o", ms=3, label=name)
        hi = max(hi, r["mean_score"].max(), r["observed"].max())
    hi = min(1.0, hi * 1.05 + 1e-3)
    ax.plot([0, hi], [0, hi], "k--", lw=0.8, label="perfect")
    ax.set(
        xlim=(0, hi),
        ylim=(0, hi),
        xlabel="mean predicted probability",
        ylabel="observed positive rate",
        title=f"Reliability ({bins} equal-mass bins)",
    )
    ax.legend(fontsize=8)
    return _png(fig)


def roc_png(
    y: np.ndarray,
    scores: dict[str, np.ndarray],
    w: np.ndarray | None = None,
    aurocs: dict[str, float] | None = None,
) -> bytes:
    fig, ax = plt.subplots(figsize=(4.8, 4.4))
    for name, p in scores.items():
        fpr, tpr, _ = roc_curve(y, p, sample_weight=w)
        label = f"{name} ({aurocs[name]:.3f})" if aurocs and name in aurocs else name
        ax.plot(fpr, tpr, lw=1.2, label=label)
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (test)")
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)
