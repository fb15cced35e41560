"""Rule-based judges of response text (no model, no ground truth)."""

from rluf_core.judges.safety import CATEGORIES, SafetyJudge, judge_safety

__all__ = ["CATEGORIES", "SafetyJudge", "judge_safety"]


def build_safety_judge(judges, trust_remote_code: bool = False):
    """The configured safety judge (policy.judges): the rules judge, or a classifier model."""
    if judges.safety == "model":
        from rluf_core.judges.model_judge import ModelSafetyJudge

        if not judges.safety_model:
            raise ValueError(
                "policy.judges.safety is 'model' but policy.judges.safety_model names no model"
            )
        return ModelSafetyJudge(
            judges.safety_model, judges.safety_threshold, trust_remote_code=trust_remote_code
        )
    from rluf_core.judges.safety import SafetyJudge

    return SafetyJudge()
