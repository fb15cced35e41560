"""`adversarial`: user reputation, the detectors of adversarial feedback, and the feedback split.

Every threshold the detectors use lives here with a default that is a statistical convention
(robust z-scores, one-sided tests) rather than a number tuned to one simulated scenario.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from rluf_core.config.base import Section
from rluf_core.config.content_detector import ContentDetectorConfig
from rluf_core.config.defence import DefenceConfig


class QualitySignalConfig(Section):
    """The content-quality signal built without ground truth: a text model of the population's reactions."""

    max_rows: int = Field(
        200_000, ge=100, description="most turns the text model is fitted on (negatives sampled)"
    )
    fit_days: int = Field(
        7, ge=1, description="labelled days (the day and those before) the text model learns from"
    )
    kind_features: bool = Field(
        True,
        description="also words crossed with the content kind (topic), so that "
        "on-topic substance can be told from off-topic",
    )
    reference_rows: int = Field(
        5_000, ge=100, description="turns sampled per day to standardise the signal"
    )
    user_weight_cap: float = Field(
        5.0, gt=0, description="most total weight one user has in the fit"
    )
    n_features: int = Field(2**18, ge=1024, description="hashing dimension of the text features")
    word_norm: Literal["l1", "l2"] = Field(
        "l1",
        description="normalisation of each response's hashed words: l1 "
        "scores the density of substance words rather than their amount and tracks "
        "what inverted raters invert better (default scenario, days 8-14: per-love "
        "troll AUROC 0.966 vs 0.940 with l2, rank correlation with true helpfulness "
        "0.88 vs 0.86)",
    )
    alpha: float = Field(
        1e-4, gt=0, description="L2 strength of the logistic model, per unit of row weight"
    )
    exclude_flagged: bool = Field(
        True,
        description="weight the fit by the reputation as of the day before: flagged "
        "accounts out, others by 1 - their inverted-rater posterior (contaminated labels "
        "blunt the signal: per-love troll AUROC 0.95 with, 0.93 without, default scenario)",
    )


class BotDetectorConfig(Section):
    """Fast indiscriminate reactors: reacting to (almost) everything, faster than people read."""

    z_threshold: float = Field(
        3.5, gt=0, description="z of reaction speed vs the population (robust scale)"
    )
    min_events: int = Field(
        2, ge=1, description="reaction events in the window before a user can be judged"
    )
    rate_prior_strength: float = Field(
        20.0, ge=0, description="pseudo-turns shrinking a user's reaction rate"
    )
    latency_prior_strength: float = Field(
        5.0, ge=0, description="pseudo-events shrinking a user's latency"
    )
    label_min_latency_s: float | None = Field(
        1.0,
        ge=0,
        description="positive labels whose first positive reaction "
        "came sooner than this after the reply was served are dropped, whoever "
        "gave them: too fast to be about the reply (catches bots with too few "
        "events to judge; default scenario: 0.2% of honest positive labels); "
        "null keeps them",
    )


class BrigadeDetectorConfig(Section):
    """Coordinated groups: many accounts reacting to the same content kind in the same short window.

    A window (cell) is a burst when it holds far more reacting accounts than its neighbourhood of the
    same day (one-sided Poisson test against a rolling median); an account is coordinated when far
    more of its reactions fall in bursts than its activity explains; coordinated accounts that share
    burst windows form groups (connected components).
    """

    window_s: float = Field(900.0, gt=0, description="co-reaction window width (seconds)")
    content_keys: list[Literal["all", "topic", "quality", "cluster", "safety"]] = Field(
        ["all", "topic", "cluster", "safety"],
        min_length=1,
        description="content kinds a burst is looked for in (quality: low/mid/high by the population's signal; "
        "cluster: k-means of the day's reacted response texts; safety: the rule-based safety judge)",
    )
    label_filter_keys: list[Literal["all", "topic", "quality", "cluster", "safety"]] = Field(
        ["topic", "safety"],
        description="content kinds whose bursts filter labels: a positive reaction inside a burst on its own "
        "content kind is coordinated, whether or not its account is flagged ('all' has no content kind)",
    )
    label_filter: Literal["off", "drop", "weight"] = Field(
        "drop",
        description="labels in bursts: drop those with excess_share >= label_min_excess, or weight every "
        "one by 1 - excess_share (the chance it is ordinary traffic)",
    )
    label_min_excess: float = Field(
        0.5,
        ge=0,
        le=1,
        description="drop a label when more than this share of its burst window is excess "
        "(0.5: coordinated is more likely than not)",
    )
    n_clusters: int = Field(
        16, ge=2, description="text clusters per day for the cluster content key"
    )
    quality_bucket_z: float = Field(
        1.0, gt=0, description="|quality z| beyond which content is low / high"
    )
    baseline_hours: float = Field(
        2.0, gt=0, description="half-width of the rolling-median baseline"
    )
    burst_p_value: float = Field(
        1e-3, gt=0, lt=1, description="a window is a burst below this p-value"
    )
    user_p_value: float = Field(
        1e-3, gt=0, lt=1, description="an account is coordinated below this p-value"
    )
    min_burst_reactions: int = Field(
        2, ge=1, description="burst reactions before an account can be judged"
    )
    min_shared_windows: int = Field(
        1, ge=1, description="burst windows two coordinated accounts must share"
    )
    min_group_size: int = Field(3, ge=2, description="linked accounts needed to call it a group")
    posterior_threshold: float = Field(
        0.9,
        gt=0.5,
        lt=1,
        description="flag at this posterior of a coordinated account "
        "(latent-class model over burst membership and latency of positive reactions)",
    )
    inverted_coordination_posterior: float | None = Field(
        0.5,
        gt=0,
        lt=1,
        description="an account the inverted-rater model flags is named a brigade account when its "
        "posterior of a coordinated account reaches this (adversarial, and more likely coordinated than not: a raid "
        "member who also loved low-rated content outside raids); null: always named by the inverted-rater model",
    )
    prior_share: float = Field(
        0.02, gt=0, lt=0.5, description="starting share of coordinated accounts for EM"
    )
    max_share: float = Field(
        0.2, gt=0, lt=0.5, description="largest share of coordinated accounts EM may estimate"
    )
    smoothing: float = Field(
        30.0, ge=0, description="pseudo-reactions shrinking each class toward the population"
    )
    weight_by_posterior: bool = Field(
        True,
        description="feedback_dataset weights an unflagged user's labels by "
        "1 - their posterior of being a coordinated account",
    )
    burst_tilt: float = Field(
        20.0,
        gt=1,
        description="EM starts the coordinated class as the population with burst "
        "cells this many times likelier (only a start: EM learns it)",
    )
    unsafe_view: bool = Field(
        True,
        description="the coordination model also reads whether each positive reaction "
        "went to a reply the safety judge finds unsafe (an independent view of the same "
        "reactions; how much more the coordinated class does so is learnt, not assumed)",
    )
    burst_min_accounts: int = Field(
        2,
        ge=2,
        description="accounts in a window before it can be a burst (the Poisson "
        "test decides; 2 lets sparse content kinds show raids)",
    )
    max_cell_users: int = Field(
        5000, ge=2, description="burst windows with more accounts are sampled (logged)"
    )


class TrollDetectorConfig(Section):
    """Inverted raters: positive reactions on what the population rates low, negative on what it rates high."""

    posterior_threshold: float = Field(
        0.9,
        gt=0.5,
        lt=1,
        description="flag at this posterior of an inverted rater "
        "(empirical-Bayes mixture). A posterior, not a measured precision: EM's share of "
        "inverted raters runs high (demo: 0.095 fitted, 0.057 true), so posteriors are "
        "overconfident; precision at 0.9 was 0.944 on the demo's scenario, 0.92-0.93 on "
        "two other simulator seeds and 0.89 with 20% adversaries (benchmarks/bench_detectors.py)",
    )
    min_reactions: int = Field(2, ge=1, description="rated turns before a user can be judged")
    max_agreement: float = Field(
        0.0,
        description="a fitted inverted class whose mean signed quality z is at or above "
        "this (it rates with the quality signal, only less closely than the honest one) flags "
        "nobody when EM presses its share against max_share: a split of honest users by how "
        "closely they agree, not a minority rating against them (simulated, no adversaries: "
        "+0.38 to +0.40 at the cap 0.2; accounts inverted for the last 3 of 12 days: +0.37 at "
        "a share of 0.04, kept; inverted raters all window: -0.66 to -0.80)",
    )
    prior_share: float = Field(
        0.02, gt=0, lt=0.5, description="starting share of inverted raters for EM"
    )
    smoothing: float = Field(
        30.0,
        ge=0,
        description="pseudo-reactions shrinking each class's reaction distribution "
        "toward the population's (keeps EM stable when few users are inverted raters)",
    )
    max_share: float = Field(
        0.2, gt=0, lt=0.5, description="largest share of inverted raters EM may estimate"
    )
    weight_by_posterior: bool = Field(
        True,
        description="feedback_dataset weights an unflagged user's labels by "
        "1 - their posterior of being an inverted rater",
    )
    own_turns_only: bool = Field(
        True,
        description="rate users by their reactions to replies they received, the only "
        "reactions that become labels (reactions of group-chat members to others' turns answer a "
        "conversation they are not having; demo: 41% of single-reaction accounts' reactions)",
    )
    standing_reactions_only: bool = Field(
        False,
        description="rate only reactions that stand, resolved as labels are "
        "(the final add of a user's (turn, reaction)): a love undone seconds later "
        "is a mis-tap on whatever was on screen, not an opinion of the reply. Off by "
        "default: on four simulated scenarios (0.3% mis-taps per reactor turn, 8% of "
        "loves toggled) troll precision / recall moved 0.941/0.679 -> 0.947/0.679, "
        "0.912/0.613 -> 0.939/0.580, 0.927/0.611 -> 0.919/0.594, 0.883/0.428 -> "
        "0.879/0.433: no better within the noise of one simulation",
    )
    unsafe_view: bool = Field(
        True,
        description="the model also reads whether each love went to a reply the safety "
        "judge finds unsafe (a second view of the same loves; how much more the inverted class "
        "does so is learnt from the population, not assumed)",
    )
    split_reactions: bool = Field(
        True,
        description="each approving and negative reaction (agreement_positive_reactions, "
        "negative_reactions) is its own class of cells instead of two pooled ones: the model "
        "learns which reactions follow quality and which are given whatever the reply",
    )
    rate_view: bool = Field(
        False,
        description="the model also reads how many of the replies a user was served they "
        "reacted to (each class's beta-binomial, fitted after EM with its posteriors as soft labels; "
        "which class reacts more is learnt, not assumed). Off by default: on four simulated scenarios "
        "it raised troll precision (0.92-0.95 from 0.88-0.94) but lowered light trolls' posteriors, so "
        "more of their labels stayed (seed 23: 0.96% -> 1.09% adversarial positive labels)",
    )


class SplitConfig(Section):
    """Time-based split of feedback_dataset (test = the last days, as the paper holds out later data)."""

    validation_days: int = Field(2, ge=0)
    test_days: int = Field(2, ge=1)
    by: Literal["conversation_start", "turn"] = Field(
        "conversation_start", description="a conversation goes to the split of its first turn's day"
    )


class AdversarialConfig(Section):
    enabled: bool = True
    trailing_days: int = Field(14, ge=1)
    recent_days: int = Field(
        3, ge=1, description="detectors also run on the last days alone (behaviour changes)"
    )
    action: Literal["drop", "downweight"] = "drop"
    downweight_factor: float = Field(
        0.1, ge=0, le=1, description="weight of a flagged user's labels (downweight)"
    )
    posterior_drop: float | None = Field(
        0.5,
        gt=0,
        le=1,
        description="drop an unflagged user's labels when their posterior of an adversarial class "
        "(coordinated, inverted rater) reaches this (0.5: adversarial is more likely than "
        "not); below it, labels are weighted by 1 - posterior; null: weight only",
    )
    max_labels_per_user_per_day: int = Field(50, ge=1)
    cap_mode: Literal["weight", "sample"] = Field(
        "weight",
        description="over the daily cap: shrink weights to the cap, or keep a seeded sample",
    )
    drop_incomplete_windows: bool = Field(
        True, description="leave out turns whose label window is not closed"
    )
    negative_reactions: list[str] = ["thumbs_down", "angry"]
    agreement_positive_reactions: list[str] = Field(
        ["like", "thumbs_up"],
        description="approving reactions that count with labels.positive_reaction in agreement",
    )
    quality: QualitySignalConfig = QualitySignalConfig()
    bot: BotDetectorConfig = BotDetectorConfig()
    brigade: BrigadeDetectorConfig = BrigadeDetectorConfig()
    troll: TrollDetectorConfig = TrollDetectorConfig()
    content: ContentDetectorConfig = ContentDetectorConfig()
    defence: DefenceConfig = DefenceConfig()
    split: SplitConfig = SplitConfig()

    @model_validator(mode="after")
    def _recent_inside_window(self) -> AdversarialConfig:
        if self.recent_days > self.trailing_days:
            raise ValueError(
                f"recent_days ({self.recent_days}) must be <= trailing_days ({self.trailing_days})"
            )
        return self
