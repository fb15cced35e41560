"""`policy`: the policy optimisation step (objectives, judges, KL). Filled in by the policy work."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class ObjectiveWeights(Section):
    p_love: float = Field(0.1, ge=0)
    helpfulness: float = Field(1.0, ge=0)
    safety: float = Field(1.0, ge=0)


class JudgesConfig(Section):
    safety: Literal["rules"] = Field("rules", description="the safety judge that can veto a reply: 'rules' is "
                                                          "rluf_core.judges.safety (a lexicon, no model)")


class PolicyConfig(Section):
    method: Literal["grpo", "rloo", "kto"] = "grpo"
    base_model: str = Field("tiny", description="'tiny' builds a small LM from config; else a path or hub id")
    objectives: ObjectiveWeights = ObjectiveWeights()
    judges: JudgesConfig = JudgesConfig()
    safety_veto: bool = True
    kl_coef: float = Field(0.05, ge=0)
    kl_budget: float = Field(10.0, gt=0)
    steps: int = Field(200, ge=1)
    learning_rate: float = Field(1e-5, gt=0)
    trust_remote_code: bool = False
