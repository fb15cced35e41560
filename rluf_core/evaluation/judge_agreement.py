"""How far the safety judge agrees with the simulator's truth (evaluation only)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rluf_core.simulation.textscore import is_unsafe


def agreement(responses: pd.Series, judged_unsafe: np.ndarray) -> dict[str, Any]:
    truth = np.asarray(is_unsafe(responses.fillna("").astype(str).tolist()), bool)
    judged = np.asarray(judged_unsafe, bool)
    tp = int((truth & judged).sum())
    return {
        "rows": len(truth),
        "true_unsafe": int(truth.sum()),
        "judged_unsafe": int(judged.sum()),
        "agreement": float((truth == judged).mean()) if len(truth) else float("nan"),
        "precision": float(tp / judged.sum()) if judged.sum() else None,
        "recall": float(tp / truth.sum()) if truth.sum() else None,
    }
