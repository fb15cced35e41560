"""Scenario numbers of a simulated run, read back from the landing zone and the ground truth.

For evaluation and reports only (it reads the ground truth, which training code never does).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from rluf_core.config import RlufConfig
from rluf_core.lake import Lake


def _auc(y: np.ndarray, s: np.ndarray) -> float | None:
    return float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else None


def read_landing(lake: Lake, kind: str, days: list[str] | None = None) -> pd.DataFrame:
    days = days if days is not None else lake.landing_days(kind)
    frames = []
    for d in days:
        for p in lake.landing_files(kind, d):
            with lake.fs.open(p, "rb") as f:
                frames.append(pd.read_parquet(f).assign(landing_date=d))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def scenario_stats(cfg: RlufConfig) -> dict[str, Any]:
    """Love rate, adversary shares, duplicate and late rates, ceiling AUROCs, length correlation."""
    lake, gt = Lake(cfg.storage.lake), Lake(cfg.storage.ground_truth)
    users = gt.read_dataset("users")
    turns = gt.read_dataset("turns")
    ev = gt.read_dataset("reactions")
    land = read_landing(lake, "reactions")
    kind = users.set_index("user_id")["kind"]
    reacting = pd.Index(ev["user_id"].unique())
    rk = kind.reindex(reacting)
    loved = turns["loved"].to_numpy()
    honest = (turns["user_kind"] == "honest").to_numpy()
    length = turns["n_words"].to_numpy()
    out: dict[str, Any] = {
        "turns": len(turns),
        "events": len(ev),
        "landing_reaction_rows": len(land),
        "love_rate": float(loved.mean()),
        "love_rate_honest": float(loved[honest].mean()),
        "users": {k: int(v) for k, v in kind.value_counts().sort_index().items()},
        "reacting_users": len(reacting),
        "reacting_share_of_users": len(reacting) / len(users),
        "adversarial_share_of_reacting_users": float((rk != "honest").mean()),
        "reacting_share_by_kind": {k: float((rk == k).mean()) for k in ("bot", "brigade", "troll")},
        "adversarial_share_of_positive_labels": float(
            turns.loc[loved, "user_kind"].ne("honest").mean()
        ),
        "positive_labels_by_kind": {
            k: int(v) for k, v in turns.loc[loved, "user_kind"].value_counts().items()
        },
        "duplicate_row_rate": float(1 - land["event_id"].nunique() / max(len(land), 1)),
        "late_event_share": float(ev["late"].mean()),
        "unknown_turn_event_share": float(ev["unknown_turn"].mean()),
        "non_receiver_event_share": float((~ev["is_receiver"] & ~ev["unknown_turn"]).mean()),
        "love_events_outside_window_share": float(
            (~ev["within_window"] & (ev["reaction"] == "love") & ev["is_receiver"]).sum()
            / max(((ev["reaction"] == "love") & ev["is_receiver"]).sum(), 1)
        ),
        "ceiling_auroc_text_all": _auc(loved, turns["p_love_text"].to_numpy()),
        "ceiling_auroc_text_honest": _auc(loved[honest], turns["p_love_text"].to_numpy()[honest]),
        "auroc_user_level_all": _auc(loved, turns["p_love_user"].to_numpy()),
        "auroc_user_level_honest": _auc(loved[honest], turns["p_love_user"].to_numpy()[honest]),
        "corr_p_love_text_length": float(np.corrcoef(turns["p_love_text"], length)[0, 1]),
        "length_only_auroc_honest": _auc(loved[honest], length[honest]),
        "mean_helpfulness": float(turns["helpfulness"].mean()),
        "unsafe_rate": float(turns["unsafe"].mean()),
        "bait_rate": float((turns["bait"] > 0).mean()),
    }
    return out
