"""P[Love]: the calibrated reward model of P(love | context, response) (issue 5)."""

from rluf_core.reward.scorer import PLoveScorer

__all__ = ["PLoveScorer"]
