"""`adversarial.content`: detectors that read what accounts love, not when (issue 31)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class ContentDetectorConfig(Section):
    """Per account, how its loves on its own replies respond to the content of the reply (topic,
    the safety judge's verdict, bait phrases) and how often it loves at all, against the
    population's loves on the same kinds of content; thresholds are the same on every data set."""

    enabled: bool = Field(True, description="run the content and love-rate detectors")
    kinds: list[Literal["topic", "safety", "phrase"]] = Field(
        ["safety", "phrase"],
        description="content kinds a campaign is looked for on: the safety judge's verdict and "
        "bait phrases are properties of the reply; topics are chosen by the users themselves "
        "(an honest account talks about one or two), so a topic is off by default",
    )
    min_loves: int = Field(
        2, ge=2, description="loves on one content kind before an account can be flagged for it"
    )
    min_rate: float = Field(
        0.5, gt=0, le=1, description="the account's love rate on that kind at least this"
    )
    min_other: int = Field(
        0, ge=0, description="replies of other kinds it was served (its own baseline)"
    )
    prior_turns: float = Field(
        5.0,
        ge=0,
        description="pseudo-replies at the population's rate shrinking an account's "
        "baseline (its love rate on other kinds)",
    )
    z: float = Field(1.0, ge=0, description="standard errors taken off the excess log odds ratio")
    min_excess_lor: float = Field(
        3.0,
        gt=0,
        description="how much more (log odds ratio, beyond the population's own preference) "
        "the account loves that kind than its other replies",
    )
    bot_min_served: int = Field(
        5, ge=1, description="own replies served before the love-rate bot test"
    )
    bot_min_rate: float = Field(
        0.6,
        gt=0,
        le=1,
        description="lower bound (bot_z standard errors) of the share of its own replies an "
        "account loves, for an indiscriminate lover (a bot whatever its latency)",
    )
    bot_z: float = Field(1.0, ge=0)
