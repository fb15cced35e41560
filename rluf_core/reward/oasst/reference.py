"""A reference for the OASST number that is not a text model: the crowd's own judgement of each reply.

OpenAssistant volunteers also ranked sibling replies (`rank`, 0 best among `n_siblings`) and labelled them for
quality and helpfulness (`label_*`, oasst1 export only). A logistic regression of the thumbs up on those
annotations, with the reply's length and depth, fitted on dev, says how far a model that judged replies as well
as a crowd of readers could go on these labels. It is evaluation only: no served reply has crowd labels, so it is
never a candidate and never chosen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

NAME = "crowd_reference"
CROWD_COLUMNS = ("crowd_rank", "crowd_quality", "crowd_helpfulness")
FEATURES = ("log_chars", "log_depth", *CROWD_COLUMNS, *(f"{c}_missing" for c in CROWD_COLUMNS))


def crowd_columns(src: pd.DataFrame) -> pd.DataFrame:
    """Per reply, its crowd annotations (CROWD_COLUMNS; NaN where the export has none): the sibling rank scaled to
    0 (best) .. 1 (worst), the mean quality and helpfulness labels; and ``turn_depth``, its depth in the tree."""
    out = pd.DataFrame(index=src.index)
    out["turn_depth"] = src["depth"] if "depth" in src.columns else np.nan
    if {"rank", "n_siblings"} <= set(src.columns):
        # clipped: two replies rank below siblings that the export does not hold
        out["crowd_rank"] = (src["rank"] / (src["n_siblings"] - 1).clip(lower=1)).clip(upper=1)
    else:
        out["crowd_rank"] = np.nan
    for col, name in (
        ("label_quality", "crowd_quality"),
        ("label_helpfulness", "crowd_helpfulness"),
    ):
        out[name] = src[col] if col in src.columns else np.nan
    return out.astype(float)


class CrowdReference:
    """Logistic regression over FEATURES; a missing annotation is the fit rows' mean plus a missing flag."""

    def __init__(self, c: float = 1.0):
        self.model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
        self.means: dict[str, float] = {}

    def _x(self, df: pd.DataFrame) -> np.ndarray:
        x = pd.DataFrame(
            {
                "log_chars": np.log1p(df["response_chars"].astype(float)),
                "log_depth": np.log1p(df["turn_depth"].fillna(0).astype(float)),
            },
            index=df.index,
        )
        for c in CROWD_COLUMNS:
            x[c] = df[c].fillna(self.means[c])
            x[f"{c}_missing"] = df[c].isna().astype(float)
        return x[list(FEATURES)].to_numpy()

    def fit(self, df: pd.DataFrame) -> CrowdReference:
        need = ("response_chars", "turn_depth", "label", "weight", *CROWD_COLUMNS)
        missing = [c for c in need if c not in df.columns]
        if missing:
            raise ValueError(f"crowd reference: rows lack column(s) {missing}")
        self.means = {c: float(df[c].mean()) if df[c].notna().any() else 0.0 for c in CROWD_COLUMNS}
        self.model.fit(
            self._x(df),
            df["label"].astype(int),
            logisticregression__sample_weight=df["weight"].to_numpy(float),
        )
        return self

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(self._x(df))[:, 1]


def reference_scores(dev: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """The reference fitted on ``dev``, scored on ``test``: turn_id and NAME."""
    return pd.DataFrame(
        {"turn_id": test["turn_id"].to_numpy(), NAME: CrowdReference().fit(dev).predict(test)}
    )


def cross_validate_reference(
    dev: pd.DataFrame, splits: list[tuple[np.ndarray, np.ndarray]]
) -> dict[str, float]:
    """AUROC of the reference on the given (fit, held-out) splits of dev, the candidates' own: mean and std."""
    aurocs = []
    for tr, ho in splits:
        p = CrowdReference().fit(dev.iloc[tr]).predict(dev.iloc[ho])
        aurocs.append(roc_auc_score(dev["label"].iloc[ho], p))
    return dict(mean=float(np.mean(aurocs)), std=float(np.std(aurocs, ddof=1)))
