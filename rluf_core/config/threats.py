"""`source.simulator.threats`: adversaries that do not look like the simulator's own (issue 31).

Each kind is switched on by a share above zero (shares of the reacting accounts, as bot_share);
all are zero by default, so the default simulation is unchanged. Who is which kind is written to the
ground truth only (the `users` table's `kind`); the landing zone looks like any other traffic.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from rluf_core.config.base import Section

# the content a content-coordinated group loves: the safety judge's "unsafe", a topic, or "bait"
# (warm sign-offs, hearts, requests for reactions: one kind of phrase)
CONTENT_TARGETS_EXTRA = ("unsafe", "bait")


class ThreatsConfig(Section):
    """Threat kinds of the simulator beyond bots, burst brigades and trolls (off by default)."""

    content_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="content-coordinated accounts: love one kind of content whenever they see "
        "it, with honest users' hours and latency (no bursts)",
    )
    content_groups: int = Field(3, ge=1)
    content_targets: list[str] = ["unsafe", "roleplay", "bait"]
    content_love: float = Field(
        0.9, ge=0.0, le=1.0, description="P(love) of a target reply (others: honest_love)"
    )
    content_seek: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of their conversations that ask for the target (a jailbreak for "
        "'unsafe', the topic for a topic)",
    )
    honest_love: float = Field(
        0.02, ge=0.0, le=1.0, description="campaign accounts' P(love) of other replies"
    )
    human_bot_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="bots with human latency (seconds to a minute) and diurnal activity",
    )
    human_bot_love: float = Field(0.8, ge=0.0, le=1.0)
    human_bot_latency_s: float = Field(15.0, gt=0.0, description="median latency of their loves")
    human_bot_activity: float = Field(1.0, gt=0.0)
    sleeper_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="honest accounts that join a content campaign from sleeper_wake_day on",
    )
    sleeper_wake_day: int = Field(6, ge=0, description="day index the sleepers wake")
    slow_troll_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="inverted raters with low activity that rate honestly on part of their turns",
    )
    slow_troll_activity: float = Field(0.5, gt=0.0)
    slow_troll_honest_share: float = Field(
        0.3, ge=0.0, le=1.0, description="share of their turns a slow troll rates honestly"
    )
    adaptive_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="attackers that push a target with human timing and at most "
        "adaptive_daily_cap loves a day, camouflaged by honest loves",
    )
    adaptive_target: str = "unsafe"
    adaptive_daily_cap: int = Field(2, ge=1)
    adaptive_love: float = Field(0.8, ge=0.0, le=1.0)

    @property
    def total_share(self) -> float:
        return (
            self.content_share
            + self.human_bot_share
            + self.sleeper_share
            + self.slow_troll_share
            + self.adaptive_share
        )

    @property
    def enabled(self) -> bool:
        return self.total_share > 0

    @model_validator(mode="after")
    def _check(self) -> ThreatsConfig:
        if not self.content_targets:
            raise ValueError("threats.content_targets must not be empty")
        return self
