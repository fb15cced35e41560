"""`reward_model`: P[Love], the calibrated classifier of P(love | context, response)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from rluf_core.config.base import Section

# The reward model's cheap text statistics (computed by rluf_core.reward.features.featurize.text), in column
# order; `text_stats` names a subset of them.
STAT_NAMES = (
    "log_chars",
    "log_words",
    "lines",
    "emoji",
    "hearts",
    "sign_off",
    "warmth",
    "exclaim",
    "question",
    "digits",
    "list_items",
    "log_query_chars",
    "sentences",
    "log_depth",
)


class RewardModelConfig(Section):
    backbone: str = Field(
        "minilm", description="'minilm' (the packaged all-MiniLM-L6-v2), 'tiny', a path or a hub id"
    )
    positive_share: float = Field(0.10, gt=0, lt=1)
    calibration: Literal["temperature", "isotonic"] = "temperature"
    calibration_min_per_class: int = Field(
        10,
        ge=1,
        description="validation rows of each label needed to fit the "
        "calibration; with fewer, scores carry the prior correction alone",
    )
    max_length: int = Field(128, ge=8)
    batch_size: int = Field(256, ge=1)
    epochs: int = Field(8, ge=1)
    learning_rate: float = Field(3e-4, gt=0)
    max_ece: float = Field(0.02, gt=0)
    model_name: str = "rluf-p-love"
    trust_remote_code: bool = False

    # ---- how the model is trained ------------------------------------------------------------
    method: Literal["head", "finetune"] = Field(
        "head",
        description="head: frozen encoder, mean-pooled embeddings + text statistics, trained head (CPU default); "
        "finetune: AutoModelForSequenceClassification trained end to end",
    )
    head: Literal["logistic", "mlp"] = "mlp"
    hidden_size: int = Field(128, ge=1, description="hidden units of the mlp head")
    ensemble: int = Field(
        3, ge=1, description="heads trained from different seeds; their mean logit is calibrated"
    )
    dropout: float = Field(0.5, ge=0, lt=1)
    weight_decay: float = Field(1e-2, ge=0)
    text_features: bool = Field(
        True, description="append cheap text statistics (length, emoji, sign-offs...)"
    )
    text_stats: list[str] | None = Field(
        None, description="which text statistics (names in STAT_NAMES); None: all of them"
    )
    writing_features: bool = Field(
        False,
        description="append how well the response is written: misspelled share, "
        "prompt words reused, mean word length (rluf_core/reward/features/writing.py)",
    )
    spelling_language: str = Field(
        "en",
        description="dictionary of the misspelled share (pyspellchecker: en, es, "
        "fr, de, pt, it, ru, ar, eu, lv, nl, fa)",
    )
    embedding_features: bool = Field(
        True, description="response, query and response*query embeddings"
    )
    relevance_features: bool = Field(
        True, description="similarities of response sentences to the prompt"
    )
    relevance_counts: bool = Field(
        True, description="also counts of on-prompt sentences, similarities to the query"
    )
    imbalance: Literal["downsample_negatives", "upsample_positives", "class_weight"] = Field(
        "class_weight",
        description="how positives reach positive_share in training (class_weight: positives weighted so they "
        "carry positive_share of the weight, every row kept); calibration undoes the prior shift",
    )
    wide: bool = Field(
        True,
        description="also a sparse logistic model over hashed words of the response (and "
        "prompt), mixed with the head's logit by a weight chosen on validation (0: head alone)",
    )
    wide_C: float = Field(
        1.0, gt=0, description="inverse L2 strength of the wide model (per training row)"
    )
    wide_features: int = Field(
        2**18, ge=1024, description="hashing dimension of the wide model's response words"
    )
    wide_prompt_words: bool = Field(
        False, description="the wide model also reads the prompt's words"
    )
    finetune_learning_rate: float = Field(3e-5, gt=0)
    chunking: Literal["sentence", "none"] = Field(
        "sentence",
        description="sentence: encode sentences separately and pool them (cached per sentence); "
        "none: encode the whole text truncated to max_length",
    )
    context_turns: int = Field(
        2, ge=0, description="earlier turns of context kept in the query text"
    )
    embed_batch_size: int = Field(128, ge=1)
    cache_embeddings: bool = Field(
        True, description="cache embeddings by text hash under <home>/cache"
    )
    checkpoint_every_steps: int = Field(200, ge=1)
    max_train_rows: int | None = Field(
        None, ge=1, description="cap on training rows after resampling"
    )
    max_validation_rows: int | None = Field(
        50_000, ge=1, description="cap on validation rows (calibration)"
    )
    max_test_rows: int | None = Field(None, ge=1)

    @field_validator("text_stats")
    @classmethod
    def _known_stats(cls, v: list[str] | None) -> list[str] | None:
        unknown = [n for n in v or [] if n not in STAT_NAMES]
        if unknown or v == []:
            raise ValueError(
                f"unknown text statistic(s) {unknown or '(empty list)'}; known: {list(STAT_NAMES)}"
            )
        return v

    # ---- evaluation (p_love_report) -------------------------------------------------------------
    ece_bins: int = Field(15, ge=2)
    bootstrap: int = Field(1000, ge=0, description="bootstrap resamples for 95% intervals")
    slices: list[str] = ["topic", "lang", "policy_version", "surface"]
    min_slice_rows: int = Field(200, ge=1)
    min_auroc_margin: float = Field(
        0.0, ge=0, description="AUROC the model must beat length-only by"
    )
