"""`policy`: the policy optimisation step (base policy, objectives, judges, KL, trainers).

One settings block per trainer, as TRL has one config per trainer: `sft` (the base policy), the RL
keys at the top (GRPO or RLOO: steps, learning rate, KL), `grpo` (sampling and batching), `kto` (the
baseline on raw binary labels), and `helpfulness` (the helpfulness model's labels).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class ObjectiveWeights(Section):
    p_love: float = Field(
        0.1, ge=0, description="weight of P[Love] (the paper: 0.1 moderate, 0.3 aggressive)"
    )
    helpfulness: float = Field(1.0, ge=0)
    safety: float = Field(
        1.0, ge=0, description="weight of the safety judge's penalty (-1 per violation)"
    )
    length: float = Field(
        1.0,
        ge=0,
        description="weight of the over-length penalty (length control): a reply of more than "
        "policy.length_tolerance x the production replies' mean words loses words / (that "
        "length) - 1; 0 turns it off",
    )


class JudgesConfig(Section):
    safety: Literal["rules", "model"] = Field(
        "rules",
        description="the safety judge that can veto a reply: 'rules' is rluf_core.judges.safety (a "
        "lexicon, no model); 'model' a sequence classifier at judges.safety_model",
    )
    safety_model: str | None = Field(
        None, description="path or hub id of a safety classifier (judges.safety: model)"
    )
    safety_threshold: float = Field(0.5, gt=0, lt=1)


class TinyModelConfig(Section):
    """The GPT-2-style causal LM built from config when base_model is 'tiny' (demo and tests)."""

    vocab_size: int = Field(2048, ge=300, description="BPE vocabulary trained on the landing turns")
    n_layer: int = Field(2, ge=1)
    n_embd: int = Field(128, ge=16)
    n_head: int = Field(4, ge=1)
    max_positions: int = Field(192, ge=32)


class LoraSettings(Section):
    enabled: bool = False
    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] | None = Field(
        None, description="None: PEFT's default for the architecture"
    )


class SFTSettings(Section):
    """Supervised fine-tuning of the base policy on (prompt, production reply) pairs (TRL SFTTrainer)."""

    enabled: bool = Field(
        True, description="fine-tune the base model on clean_turns (always on for 'tiny')"
    )
    max_pairs: int = Field(30_000, ge=10)
    epochs: float = Field(1.0, gt=0)
    batch_size: int = Field(64, ge=1)
    learning_rate: float = Field(2e-3, gt=0)
    warmup_steps: int = Field(20, ge=0)


class GRPOSettings(Section):
    """Sampling and batching of the RL trainers (GRPOTrainer; RLOOTrainer takes the same)."""

    prompts_per_step: int = Field(16, ge=1)
    num_generations: int = Field(4, ge=2, description="completions per prompt (the group)")
    max_completion_tokens: int = Field(96, ge=4)
    temperature: float = Field(1.0, gt=0)
    num_iterations: int = Field(
        1, ge=1, description="optimisation passes over each batch of generations"
    )
    scale_rewards: Literal["group", "batch", "none"] = "group"
    loss_type: Literal["grpo", "dapo", "dr_grpo", "bnpo"] = "dapo"
    checkpoint_every: int = Field(25, ge=1, description="save a resumable checkpoint every N steps")
    log_every: int = Field(5, ge=1)
    use_vllm: bool = Field(False, description="generate with vLLM (GPU only)")
    max_train_prompts: int = Field(20_000, ge=10)


class KTOSettings(Section):
    """policy.method: kto trains on feedback_dataset's binary labels directly (TRL KTOTrainer)."""

    max_rows: int = Field(20_000, ge=10)
    epochs: float = Field(1.0, gt=0)
    batch_size: int = Field(32, ge=2)
    learning_rate: float = Field(5e-4, gt=0)
    beta: float = Field(0.1, gt=0)
    desirable_weight: float = Field(1.0, gt=0)
    undesirable_weight: float = Field(1.0, gt=0)


class HelpfulnessSettings(Section):
    """helpfulness_model: an existing reward model (`model`), or one trained on the `ratings` landing data."""

    model: str | None = Field(
        None, description="path of a saved scorer to use as is; None: train on ratings"
    )
    ratings_scale_max: int = Field(5, ge=2, description="ratings are 1..ratings_scale_max")
    helpful_at: int = Field(
        4, ge=2, description="a rating >= this counts as helpful for the classifier"
    )
    min_ratings: int = Field(200, ge=20)
    epochs: int = Field(6, ge=1)


class PolicyConfig(Section):
    method: Literal["grpo", "rloo", "kto"] = "grpo"
    base_model: str = Field(
        "tiny", description="'tiny' builds a small LM from config; else a path or hub id"
    )
    tokenizer: str | None = Field(
        None, description="tokenizer path or id; None: the base model's own"
    )
    objectives: ObjectiveWeights = ObjectiveWeights()
    judges: JudgesConfig = JudgesConfig()
    safety_veto: bool = Field(
        True, description="a reply the safety judge flags gets the floor reward (CGPO)"
    )
    monitors: bool = Field(
        True, description="log zero-weight rewards: bait phrases, hearts, length"
    )
    kl_coef: float = Field(
        0.2, ge=0, description="beta: the KL penalty to the reference (base) policy"
    )
    kl_budget: float = Field(10.0, gt=0)
    length_tolerance: float = Field(
        1.3,
        gt=0,
        description="replies up to this multiple of the production replies' mean length go "
        "unpenalised (objectives.length); below promotion.length_ratio_cap",
    )
    steps: int = Field(16, ge=1)
    learning_rate: float = Field(5e-4, gt=0)
    heldout_days: int = Field(
        2, ge=1, description="last labelled days never trained on: the evaluation prompts"
    )
    quick_check_prompts: int = Field(
        2000, ge=10, description="held-out prompts of policy_checkpoint's report"
    )
    model_name: str = "rluf-policy"
    trust_remote_code: bool = False
    tiny: TinyModelConfig = TinyModelConfig()
    lora: LoraSettings = LoraSettings()
    sft: SFTSettings = SFTSettings()
    grpo: GRPOSettings = GRPOSettings()
    kto: KTOSettings = KTOSettings()
    helpfulness: HelpfulnessSettings = HelpfulnessSettings()
