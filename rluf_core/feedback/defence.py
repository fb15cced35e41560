"""Defence in depth in feedback_dataset (issue 31): what escapes the detectors cannot dominate.

- loves on replies the rule-based safety judge flags count ``unsafe_love_weight`` of a label: a
  campaign that pushes unsafe content gains little even when its accounts are not flagged;
- no account holds more than ``max_positive_weight_per_user`` of positive label weight, nor more
  than ``max_positive_rate_per_user`` of its labelled turns (plus half a love);
- no group of linked accounts (user_reputation's ``group_id``) holds more than
  ``max_positive_share_per_group`` of all positive label weight.

Every factor is read from the lake's own data; nothing here knows who is adversarial.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.config.adversarial import AdversarialConfig
from rluf_core.judges.safety import SafetyJudge


def downweight_unsafe_loves(
    df: pd.DataFrame, acfg: AdversarialConfig, report: dict
) -> pd.DataFrame:
    f = acfg.defence.unsafe_love_weight
    pos = df["label"].to_numpy() == 1
    if f >= 1.0 or not pos.any():
        return df
    unsafe = np.zeros(len(df), dtype=bool)
    unsafe[pos] = SafetyJudge().is_unsafe(df.loc[pos, "response"])
    before = df["weight"].copy()
    df["weight"] = np.where(unsafe, df["weight"] * f, df["weight"])
    report["downweighted_unsafe_loves"] = {
        "rows": int(unsafe.sum()),
        "factor": f,
        "positive_weight_removed": round(float((before - df["weight"]).sum()), 3),
    }
    return df


def _scale_positive(df: pd.DataFrame, key: pd.Series, cap: float) -> tuple[np.ndarray, pd.Series]:
    """Factor per row that brings each key's positive weight down to cap (1 elsewhere)."""
    pos = df["label"] == 1
    held = (df["weight"] * pos).groupby(key).sum()
    over = held[held > cap]
    factor = key.map(cap / over).fillna(1.0).to_numpy()
    return np.where(pos.to_numpy(), np.minimum(factor, 1.0), 1.0), over


def cap_positive_weight(
    df: pd.DataFrame, reputation: pd.DataFrame, acfg: AdversarialConfig, report: dict
) -> pd.DataFrame:
    d = acfg.defence
    out: dict = {}
    if d.max_positive_weight_per_user is not None and len(df):
        f, over = _scale_positive(df, df["user_id"], d.max_positive_weight_per_user)
        before = float(df["weight"].sum())
        df["weight"] = df["weight"] * f
        out["per_user"] = {
            "cap": d.max_positive_weight_per_user,
            "users_over_cap": int(len(over)),
            "positive_weight_removed": round(before - float(df["weight"].sum()), 3),
        }
    if d.max_positive_rate_per_user is not None and len(df):
        pos = df["label"] == 1
        n = df.groupby("user_id")["label"].transform("size")
        held = (df["weight"] * pos).groupby(df["user_id"]).transform("sum")
        allowed = d.max_positive_rate_per_user * n + 0.5
        f = np.where(pos & (held > allowed), allowed / held.where(held > 0, 1.0), 1.0)
        before = float(df["weight"].sum())
        df["weight"] = df["weight"] * f
        out["per_user_rate"] = {
            "max_rate": d.max_positive_rate_per_user,
            "users_over_cap": int(df.loc[f < 1, "user_id"].nunique()),
            "positive_weight_removed": round(before - float(df["weight"].sum()), 3),
        }
    if d.max_positive_share_per_group is not None and len(df) and "group_id" in reputation.columns:
        group = df["user_id"].map(reputation["group_id"])
        total = float((df["weight"] * (df["label"] == 1)).sum())
        has = group.notna()
        if has.any() and total > 0:
            f, over = _scale_positive(
                df[has], group[has].astype(str), d.max_positive_share_per_group * total
            )
            before = float(df["weight"].sum())
            df.loc[has, "weight"] = df.loc[has, "weight"] * f
            out["per_group"] = {
                "share_cap": d.max_positive_share_per_group,
                "groups_over_cap": int(len(over)),
                "positive_weight_removed": round(before - float(df["weight"].sum()), 3),
            }
    if out:
        report["positive_weight_caps"] = out
    return df
