"""Detection quality against the simulator's ground truth (evaluation only; never used to detect).

User level: per adversary kind, precision (flagged as that kind and truly that kind / flagged as that
kind) and recall (truly that kind and flagged at all / truly that kind), over reacting users.
Label level: the same over positive labels; and the share of adversarial positive labels left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve

from rluf_core.adversarial.coordination import coordinated_excess
from rluf_core.adversarial.detectors import KINDS

# the simulator's other threat kinds (issue 31), scored as the detector kind that should catch them
SCORED_AS = {
    "human_bot": "bot",
    "content": "brigade",
    "sleeper": "brigade",
    "adaptive": "brigade",
    "slow_troll": "troll",
}


def _pseudonymiser() -> Callable:
    from rluf_core.cleaning import pseudonymise

    return pseudonymise


def truth_by_pseudonym(
    truth_users: pd.DataFrame,
    key: str | None,
    pseudonymise: Callable | None = None,
    raw: bool = False,
) -> pd.Series:
    """Ground-truth kind indexed by the lake's pseudonymous user id (threat kinds as the detector
    kind that should catch them, see SCORED_AS; ``raw``: the simulator's own kind)."""
    ids = truth_users["user_id"].astype(str)
    if key is not None:
        ids = pd.Series(
            np.asarray((pseudonymise or _pseudonymiser())(ids, key)), index=truth_users.index
        )
    kind = truth_users["kind"].astype(str)
    if not raw:
        kind = kind.replace(SCORED_AS)
    return pd.Series(kind.to_numpy(), index=ids.to_numpy())


def _pr(
    pred_kind: pd.Series, flagged: pd.Series, true: pd.Series, weight: pd.Series | None = None
) -> dict:
    w = pd.Series(1.0, index=true.index) if weight is None else weight
    out: dict[str, Any] = {}
    for k in KINDS:
        t = true == k
        p = pred_kind == k
        n_t, n_p = float(w[t].sum()), float(w[p].sum())
        out[k] = {
            "true": round(n_t, 3),
            "flagged_as": round(n_p, 3),
            "precision": round(float(w[t & p].sum()) / n_p, 4) if n_p else None,
            "recall": round(float(w[t & flagged].sum()) / n_t, 4) if n_t else None,
            "recall_same_kind": round(float(w[t & p].sum()) / n_t, 4) if n_t else None,
        }
    adv = true.isin(KINDS)
    n_f = float(w[flagged].sum())
    out["any"] = {
        "precision": round(float(w[adv & flagged].sum()) / n_f, 4) if n_f else None,
        "recall": round(float(w[adv & flagged].sum()) / float(w[adv].sum()), 4)
        if adv.any()
        else None,
    }
    hon = true == "honest"
    out["honest_flagged_share"] = (
        round(float(w[hon & flagged].sum()) / float(w[hon].sum()), 5) if hon.any() else None
    )
    out["honest_flagged"] = int((hon & flagged).sum())
    return out


def best_recall_at_precision(y, score, p_min: float = 0.9) -> float | None:
    """The highest recall any threshold on ``score`` reaches at precision >= p_min (None without positives):
    what a detector's signal allows, next to the recall its shipped threshold gives."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        return None
    p, r, _ = precision_recall_curve(y, score)
    ok = r[:-1][p[:-1] >= p_min]
    return float(ok.max()) if len(ok) else 0.0


def evaluate_users(
    reputation: pd.DataFrame, truth: pd.Series, troll_min_reactions: int = 1
) -> dict:
    """Per-kind precision/recall over users who reacted in the window; for inverted raters also the best recall
    any threshold on the posterior reaches at precision >= 0.9 among honest and troll accounts (users with fewer
    than ``troll_min_reactions`` rated reactions count as not flagged): the signal's limit beside the shipped
    threshold's recall."""
    r = reputation[reputation["n_add"] > 0]
    true = r["user_id"].map(truth).fillna("unknown")
    res = _pr(r["kind"].fillna(""), r["flagged"].astype(bool), true)
    res["reacting_users"] = {k: int((true == k).sum()) for k in ("honest", *KINDS)}
    if "troll_posterior" in r.columns and "n_rated" in r.columns:
        m = true.isin(["honest", "troll"]).to_numpy()
        post = (
            r["troll_posterior"]
            .where(r["n_rated"] >= troll_min_reactions, 0.0)
            .fillna(0.0)
            .to_numpy()
        )
        best = best_recall_at_precision((true[m] == "troll").to_numpy(), post[m])
        res["troll"]["best_recall_at_precision_0.9"] = None if best is None else round(best, 4)
    return res


def evaluate_labels(
    labeled: pd.DataFrame, reputation: pd.DataFrame, dataset: pd.DataFrame, truth: pd.Series
) -> dict:
    """Label-level detection (positive labels) and the adversarial share of positives before/after."""
    pos = labeled[labeled["label"].astype(int) == 1]
    rep = reputation.set_index("user_id")
    true = pos["user_id"].map(truth).fillna("unknown")
    flagged = pos["user_id"].map(rep["flagged"]).fillna(False).astype(bool)
    kind = pos["user_id"].map(rep["kind"]).fillna("")
    res = _pr(kind, flagged, true)
    after = dataset[dataset["label"] == 1]
    t_after = after["user_id"].map(truth).fillna("unknown")
    adv_after = t_after.isin(KINDS)
    w = after["weight"]
    res["adversarial_positive_share_before"] = (
        round(float(true.isin(KINDS).mean()), 5) if len(pos) else None
    )
    res["adversarial_positive_share_after"] = (
        round(float(adv_after.mean()), 5) if len(after) else None
    )
    res["adversarial_positive_weight_share_after"] = (
        round(float(w[adv_after].sum() / w.sum()), 5) if len(after) else None
    )
    res["adversarial_positive_left_by_kind"] = {k: int((t_after == k).sum()) for k in KINDS}
    return res


def evaluate_coordinated(
    labeled: pd.DataFrame,
    reputation: pd.DataFrame,
    coordinated: pd.DataFrame | None,
    truth: pd.Series,
    min_excess: float,
) -> dict:
    """The label-level burst filter on its own and on top of the user flags (positive labels)."""
    pos = labeled[labeled["label"].astype(int) == 1].reset_index(drop=True)
    hit = coordinated_excess(pos.assign(label=1), coordinated) >= max(min_excess, 1e-12)
    true = pos["user_id"].map(truth).fillna("unknown")
    flagged = (
        pos["user_id"].map(reputation.set_index("user_id")["flagged"]).fillna(False).astype(bool)
    )
    out: dict[str, Any] = {
        "filtered_positive": int(hit.sum()),
        "precision": round(float((hit & true.isin(KINDS)).sum() / hit.sum()), 4)
        if hit.any()
        else None,
        "honest_positive_filtered": int((hit & (true == "honest")).sum()),
        "honest_positive_filtered_share": round(
            float((hit & (true == "honest")).sum() / max(1, (true == "honest").sum())), 5
        ),
    }
    for k in KINDS:
        t = true == k
        out[k] = {
            "positive": int(t.sum()),
            "recall": round(float((hit & t).sum() / t.sum()), 4) if t.any() else None,
            "recall_beyond_user_flags": round(
                float((hit & t & ~flagged).sum() / max(1, (t & ~flagged).sum())), 4
            ),
        }
    return out


def evaluate(
    labeled: pd.DataFrame,
    reputation: pd.DataFrame,
    dataset: pd.DataFrame,
    truth_users: pd.DataFrame,
    key: str | None,
    pseudonymise: Callable | None = None,
    coordinated: pd.DataFrame | None = None,
    min_excess: float = 0.5,
    troll_min_reactions: int = 1,
) -> dict:
    truth = truth_by_pseudonym(truth_users, key, pseudonymise)
    out = {
        "users": evaluate_users(reputation, truth, troll_min_reactions),
        "labels": evaluate_labels(labeled, reputation, dataset, truth),
    }
    out["labels"]["coordinated_filter"] = evaluate_coordinated(
        labeled, reputation, coordinated, truth, min_excess
    )
    return out
