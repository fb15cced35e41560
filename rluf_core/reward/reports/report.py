"""p_love_report: the model's test metrics next to its baselines and (simulated data) the ceiling.

Inputs are the predictions the training job wrote (validation and test rows with p_love) and, when the
traffic is simulated, the ground truth; this is evaluation code, the only reader of ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rluf_core.config.reward import RewardModelConfig
from rluf_core.markdown import frame_table
from rluf_core.reward.reports import plots
from rluf_core.reward.reports.metrics import (
    binary_metrics,
    bootstrap_auroc,
    ece_noise_floor,
    fit_length_baseline,
    pearson,
    slice_table,
)

ROWS = ("model", "length_only", "constant", "ceiling_text", "ceiling_user")


@dataclass
class RewardReport:
    metrics: dict
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)
    slices: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.metrics["checks"]["passed"])


def _fmt(v) -> str:
    if isinstance(v, float):
        return "nan" if np.isnan(v) else f"{v:.4f}"
    return str(v)


def _interval(ci: dict | None) -> str:
    return f"[{ci['lo']:.3f}, {ci['hi']:.3f}]" if ci else ""


def _diff(ci: dict) -> str:
    return f"[{ci['diff_vs_first_lo']:.3f}, {ci['diff_vs_first_hi']:.3f}]"


def flat_test_metrics(test: dict, prefix: str) -> dict[str, float]:
    """A report's per-score test metrics as flat MLflow metrics: <prefix><score>_<metric>, and for an interval
    <prefix><score>_<metric>_<bound>."""
    flat = {}
    for name, m in test.items():
        for k, v in m.items():
            if isinstance(v, dict):
                flat.update({f"{prefix}{name}_{k}_{b}": float(x) for b, x in v.items()})
            elif isinstance(v, (int, float)):
                flat[f"{prefix}{name}_{k}"] = float(v)
    return flat


def md_table(df: pd.DataFrame) -> str:
    return frame_table(df, _fmt)


def evaluate_predictions(
    preds: pd.DataFrame,
    rm: RewardModelConfig,
    truth: pd.DataFrame | None = None,
    seed: int = 0,
    groups_col: str | None = None,
    baseline_rows: tuple[str, pd.DataFrame] | None = None,
    references: pd.DataFrame | None = None,
) -> RewardReport:
    """Metrics on the test rows of `preds`; the length-only and constant baselines are fitted on the validation rows,
    or on ``baseline_rows`` (a name for the report and a frame with label, weight and response_chars). AUROC intervals
    resample rows and, with ``groups_col``, whole groups too (``auroc_ci_by_group``). ``references``: turn_id and one
    column per score that is not a text model (e.g. from annotations), reported beside the model, never checked."""
    test = preds[preds["split"] == "test"].copy()
    val_name, val = baseline_rows or ("validation", preds[preds["split"] == "validation"])
    if test.empty or val.empty:
        raise ValueError(f"predictions need test rows and {val_name} rows for the baselines")
    y, w, L = (
        test["label"].to_numpy().astype(int),
        test["weight"].to_numpy(float),
        test["response_chars"].to_numpy(),
    )
    length_fn = fit_length_baseline(val["response_chars"], val["label"], val["weight"])
    const = float(np.average(val["label"], weights=val["weight"]))
    test["p_length"] = length_fn(L)
    scores = {
        "model": test["p_love"].to_numpy(),
        "length_only": test["p_length"].to_numpy(),
        "constant": np.full(len(test), const),
    }
    if truth is not None and len(truth):
        t = test[["turn_id"]].merge(
            truth[["turn_id", "p_love_text", "p_love_user"]], on="turn_id", how="left"
        )
        if t["p_love_text"].isna().any():
            raise ValueError(
                f"ground truth lacks {int(t['p_love_text'].isna().sum())} of {len(t)} test turns"
            )
        test["p_ceiling"] = t["p_love_text"].to_numpy()
        scores["ceiling_text"], scores["ceiling_user"] = (
            test["p_ceiling"].to_numpy(),
            t["p_love_user"].to_numpy(),
        )
    ref_names = [c for c in references.columns if c != "turn_id"] if references is not None else []
    if ref_names:
        if clash := sorted(set(ref_names) & set(ROWS)):
            raise ValueError(f"references named {clash} would replace the report's own scores")
        r = test[["turn_id"]].merge(references, on="turn_id", how="left")
        if r[ref_names].isna().any().any():
            n_missing = int(r[ref_names].isna().any(axis=1).sum())
            raise ValueError(f"references lack scores for {n_missing} of {len(r)} test rows")
        scores.update({k: r[k].to_numpy(float) for k in ref_names})
    m = {k: binary_metrics(y, p, w, L, rm.ece_bins) for k, p in scores.items()}
    m["model"]["ece_noise_floor"] = ece_noise_floor(scores["model"], w, rm.ece_bins, seed=seed)
    ci_scores = {
        k: scores[k] for k in ("model", "length_only", "ceiling_text", *ref_names) if k in scores
    }
    if rm.bootstrap:
        for k, v in bootstrap_auroc(y, ci_scores, w, rm.bootstrap, seed).items():
            m[k]["auroc_ci"] = v
        if groups_col:  # whole groups resampled too (rows of one conversation are not independent)
            for k, v in bootstrap_auroc(
                y, ci_scores, w, rm.bootstrap, seed, test[groups_col].to_numpy()
            ).items():
                m[k]["auroc_ci_by_group"] = v
    out: dict = {
        "test": m,
        "n_test": int(len(test)),
        "n_baseline_rows": int(len(val)),
        "baselines_fitted_on": val_name,
        "ci_groups": groups_col,
        "max_ece": rm.max_ece,
        "references": ref_names,
    }
    checks = {
        "beats_length_only": m["model"]["auroc"] > m["length_only"]["auroc"] + rm.min_auroc_margin,
        "ece_ok": m["model"]["ece"] <= rm.max_ece,
    }
    if "ceiling_text" in m:
        out["auroc_ratio_to_ceiling"] = m["model"]["auroc"] / m["ceiling_text"]["auroc"]
        out["truth_length_r"] = pearson(scores["ceiling_text"], L)
        checks["auroc_ratio_ok"] = out["auroc_ratio_to_ceiling"] >= 0.97
        checks["length_r_ok"] = abs(m["model"]["length_r"]) <= max(
            0.15, abs(out["truth_length_r"]) + 0.05
        )
    checks["passed"] = bool(checks["beats_length_only"] and checks["ece_ok"])  # the blocking ones
    out["checks"] = checks
    slices = {
        c: slice_table(test, c, rm.min_slice_rows, rm.ece_bins)
        for c in rm.slices
        if c in test.columns
    }
    out["slices"] = {c: s.to_dict(orient="records") for c, s in slices.items()}
    images = {
        "reliability.png": plots.reliability_png(
            y, {k: scores[k] for k in scores if k != "ceiling_user"}, w, rm.ece_bins
        ),
        "roc.png": plots.roc_png(
            y, {k: scores[k] for k in scores if k != "constant"}, w, {k: m[k]["auroc"] for k in m}
        ),
    }
    return RewardReport(out, render_markdown(out, slices), images, slices)


def render_markdown(
    out: dict,
    slices: dict[str, pd.DataFrame],
    title: str = "P[Love] report",
    image_prefix: str = "",
    level: int = 1,
) -> str:
    """The report as Markdown; ``level``: the title's heading level (the slices' one below it)."""
    rows = []
    for k in (*ROWS, *out.get("references", [])):
        if k not in out["test"]:
            continue
        m = out["test"][k]
        row = dict(score=k, auroc=m["auroc"], auroc_95ci=_interval(m.get("auroc_ci")))
        if out.get("ci_groups"):
            row[f"auroc_95ci_by_{out['ci_groups']}"] = _interval(m.get("auroc_ci_by_group"))
        rows.append(
            dict(
                row,
                pr_auc=m["pr_auc"],
                ece=m["ece"],
                brier=m["brier"],
                log_loss=m["log_loss"],
                length_r=m["length_r"],
                mean_score=m["mean_score"],
            )
        )
    m0 = out["test"]["model"]
    lines = [
        f"{'#' * level} {title}",
        "",
        f"Test rows: {out['n_test']} (positive rate {m0['rate']:.4f}, {m0['positives']} positives); "
        f"baselines fitted on {out['n_baseline_rows']} {out['baselines_fitted_on']} rows.",
        "",
        md_table(pd.DataFrame(rows)),
        "",
    ]
    length = out["test"]["length_only"]
    if "diff_vs_first_lo" in length.get("auroc_ci", {}):
        by_group = (
            f" (by {out['ci_groups']}: {_diff(length['auroc_ci_by_group'])})"
            if "auroc_ci_by_group" in length
            else ""
        )
        lines.append(
            f"- Model minus length-only AUROC, 95% interval: {_diff(length['auroc_ci'])}{by_group}."
        )
    lines.append(
        f"- Model ECE {m0['ece']:.4f}; a perfectly calibrated score would show {m0['ece_noise_floor']:.4f} "
        f"on these rows from sampling noise alone (labels drawn from its own probabilities)."
    )
    if "auroc_ratio_to_ceiling" in out:
        lines.append(
            f"- AUROC / text-level ceiling: **{out['auroc_ratio_to_ceiling']:.4f}** (goal >= 0.97); "
            f"Pearson r of the true P(love) with length: {out['truth_length_r']:.3f}."
        )
    for k in out.get("references", []):
        ci = out["test"][k].get("auroc_ci", {})
        diff = f" (model minus {k}, 95% interval: {_diff(ci)})" if "diff_vs_first_lo" in ci else ""
        lines.append(
            f"- Model AUROC / {k} AUROC: {m0['auroc'] / out['test'][k]['auroc']:.4f}{diff}; "
            f"{k} is a reference, not a text model."
        )
    ck = out["checks"]

    def verdict(keys: tuple[str, ...]) -> str:
        return ", ".join(f"{k} {'PASS' if ck[k] else 'FAIL'}" for k in keys if k in ck)

    lines += [
        "",
        f"Blocking check (fails the model): **{'PASS' if ck['passed'] else 'FAIL'}** "
        f"({verdict(('beats_length_only', 'ece_ok'))}).",
    ]
    if m0["ece_noise_floor"] > out["max_ece"]:
        lines.append(
            f"The ECE cap ({out['max_ece']:g}) is below this test set's noise floor: no score can be judged "
            "calibrated on so few rows."
        )
    if "auroc_ratio_ok" in ck:
        lines += [
            "",
            f"Against the simulator's truth (reported, not blocking): {verdict(('auroc_ratio_ok', 'length_r_ok'))}.",
        ]
    lines.append("")
    for c, s in slices.items():
        if len(s):
            lines += [f"{'#' * (level + 1)} By {c}", "", md_table(s), ""]
    lines += [
        f"![reliability]({image_prefix}reliability.png)",
        "",
        f"![roc]({image_prefix}roc.png)",
        "",
    ]
    return "\n".join(lines)
