"""Rule-based judges of response text (no model, no ground truth)."""

from rluf_core.judges.safety import CATEGORIES, SafetyJudge, judge_safety

__all__ = ["CATEGORIES", "SafetyJudge", "judge_safety"]
