"""P[Love]: the calibrated reward model of P(love | context, response) (issue 5).

Modules: backbone (models from config), embed (frozen-encoder embeddings, cached), text / features
(what the model reads), sampling (rebalancing + prior shift), trainer (checkpointed loop), head,
finetune, calibration, scorer (PLoveScorer), train (train_reward_model), metrics, plots, report,
evaluation (p_love_report), registry (MLflow pyfunc), oasst (real-data evaluation), robustness.
"""

from rluf_core.reward.scorer import PLoveScorer
from rluf_core.reward.train import TrainResult, train_reward_model

__all__ = ["PLoveScorer", "TrainResult", "train_reward_model"]
