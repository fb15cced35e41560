"""Promotion: the gates of docs/design.md (gates), decisions recorded and applied to the MLflow aliases
(decision, through rluf_core.model_aliases), the decision report (report) and entry points (run)."""

from rluf_core.promotion.decision import PromotionError
from rluf_core.promotion.gates import GateResult, evaluate_gates, would_promote

__all__ = ["GateResult", "PromotionError", "evaluate_gates", "would_promote"]
