"""The served P[Love]: PLoveScorer, and the same as an MLflow pyfunc model.

Modules by responsibility:
    scorer        PLoveScorer: load a saved scorer and score (context, prompt, response) rows
    registry      log and register the scorer as an MLflow pyfunc, with an alias
    pyfunc_entry  the MLflow models-from-code entry of that pyfunc
"""

from rluf_core.reward.scoring.scorer import PLoveScorer

__all__ = ["PLoveScorer"]
