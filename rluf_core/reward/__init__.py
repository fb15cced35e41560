"""P[Love]: the calibrated reward model of P(love | context, response) (issue 5).

Sub-packages by role, bottom first (a lower one never imports a higher one):
    models    the parts: encoder (backbone), head, wide model, fine-tuning pairs, calibration
    features  what the model reads: text statistics, writing, embeddings, the feature matrix
    scoring   PLoveScorer (the served P[Love]) and its MLflow pyfunc (registry, pyfunc_entry)
    training  train_reward_model, rebalancing, the checkpointed loop, a synthetic data set
    reports   metrics, plots, p_love_report, robustness to adversarial feedback
    oasst     the OASST study: P[Love] on real reactions (``python -m rluf_core.reward.oasst``)
"""

from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.train import TrainResult, train_reward_model

__all__ = ["PLoveScorer", "TrainResult", "train_reward_model"]
