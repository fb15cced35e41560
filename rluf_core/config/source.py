"""`source`: where traffic comes from (landing zone, the simulator, or the OASST import)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from rluf_core.config.base import Section
from rluf_core.config.threats import CONTENT_TARGETS_EXTRA, ThreatsConfig

# The simulator's conversation topics (rluf_core.simulation.lexicon uses this list).
SIMULATOR_TOPICS = (
    "roleplay",
    "relationships",
    "casual",
    "coding",
    "facts",
    "advice",
    "health",
    "travel",
    "cooking",
    "writing",
)


class SimulatorConfig(Section):
    """Parameters of rluf_core.simulation (owned by the simulator). Shares are in [0, 1]."""

    seed: int = Field(
        7, ge=0, lt=2**32, description="the simulator's random streams are keyed by 32 bits"
    )
    days: int = Field(14, ge=1)
    turns_per_day: int = Field(20000, ge=1)
    n_users: int = Field(20000, ge=1)
    policy_version: str = "prod-2025-12"
    # honest population: most users never react; reactors love a few percent of what they receive
    reactor_share: float = Field(
        0.3, gt=0.0, le=1.0, description="share of honest users who ever react"
    )
    love_rate: float = Field(
        0.03, gt=0.0, lt=0.5, description="target labelled love rate of honest users' turns"
    )
    mean_conversation_turns: float = Field(2.5, ge=1.0, le=6.0)
    group_chat_share: float = Field(
        0.03, ge=0.0, le=1.0, description="conversations with other members who react"
    )
    other_reaction_rate: float = Field(
        0.04, ge=0.0, le=1.0, description="non-love reactions per reactor turn"
    )
    # production policy style
    unsafe_rate: float = Field(0.006, ge=0.0, le=1.0)
    warm_rate: float = Field(
        0.2, ge=0.0, le=1.0, description="mean share of responses with a warm phrase"
    )
    signoff_rate: float = Field(0.012, ge=0.0, le=1.0, description="'bye, sending love' sign-offs")
    heart_rate: float = Field(0.03, ge=0.0, le=1.0)
    request_rate: float = Field(0.004, ge=0.0, le=1.0, description="'tap the heart' requests")
    # event noise
    retry_rate: float = Field(
        0.03, ge=0.0, le=1.0, description="events sent again with the same event_id"
    )
    late_rate: float = Field(
        0.05, ge=0.0, le=1.0, description="events that arrive the day after their ts"
    )
    toggle_rate: float = Field(0.08, ge=0.0, le=1.0, description="loves removed again later")
    readd_rate: float = Field(0.3, ge=0.0, le=1.0, description="share of removed loves added back")
    accidental_tap_rate: float = Field(
        0.003, ge=0.0, le=1.0, description="add then remove within seconds"
    )
    delayed_share: float = Field(
        0.05, ge=0.0, le=1.0, description="reactions hours later (some past the window)"
    )
    unknown_turn_rate: float = Field(
        0.002, ge=0.0, le=1.0, description="events naming turns that do not exist"
    )
    # adversaries: shares of the REACTING accounts (honest reactors + adversaries)
    bot_share: float = Field(0.04, ge=0.0, le=1.0)
    brigade_share: float = Field(0.04, ge=0.0, le=1.0)
    troll_share: float = Field(0.04, ge=0.0, le=1.0)
    bot_love_rate: float = Field(0.95, ge=0.0, le=1.0)
    bot_latency_s: float = Field(
        0.7, gt=0.0, description="median seconds from turn to a bot's love"
    )
    bot_activity: float = Field(
        0.5, gt=0.0, description="bots' activity relative to the median user"
    )
    brigade_activity: float = Field(
        0.6, gt=0.0, description="brigade accounts' activity relative to the median user"
    )
    troll_activity: float = Field(
        1.0, gt=0.0, description="trolls' activity relative to the median user"
    )
    bot_shift_day: int | None = Field(
        None, ge=0, description="from this day index on, bots slow down"
    )
    bot_shift_latency_s: float = Field(45.0, gt=0.0)
    bot_shift_love_rate: float = Field(0.6, ge=0.0, le=1.0)
    brigade_groups: int = Field(4, ge=1)
    brigade_targets: list[str] = ["unsafe", "roleplay", "unsafe", "coding"]
    brigade_windows_per_day: int = Field(2, ge=1)
    brigade_window_minutes: float = Field(
        20.0, gt=0.0, le=720.0, description="length of one raid (at most 12 h)"
    )
    brigade_raid_share: float = Field(
        0.85, ge=0.0, le=1.0, description="brigade conversations inside raids"
    )
    troll_love_rate: float = Field(
        0.2, ge=0.0, le=1.0, description="mean love rate of trolls' turns"
    )
    rating_rate: float = Field(
        0.015,
        ge=0.0,
        le=1.0,
        description="share of turns annotators rate for "
        "helpfulness (the `ratings` landing dataset)",
    )
    rating_annotators: int = Field(25, ge=1)
    rating_noise: float = Field(
        0.6, ge=0.0, description="annotators' noise sd on the 1..5 scale (times 0.5-1.5)"
    )
    panel_size: int = Field(
        256, ge=16, description="honest users averaged for the text-level P(love)"
    )
    threats: ThreatsConfig = ThreatsConfig()  # other adversaries (issue 31), off by default

    @model_validator(mode="after")
    def _check(self) -> SimulatorConfig:
        mix = self.bot_share + self.brigade_share + self.troll_share + self.threats.total_share
        if mix >= 1.0:
            raise ValueError(
                f"bot_share + brigade_share + troll_share + threats' shares must be < 1 (got {mix:g})"
            )
        for t in self.brigade_targets:
            if t != "unsafe" and t not in SIMULATOR_TOPICS:
                raise ValueError(
                    f"brigade_targets: {t!r} is neither 'unsafe' nor a topic of {SIMULATOR_TOPICS}"
                )
        for t in [*self.threats.content_targets, self.threats.adaptive_target]:
            if t not in CONTENT_TARGETS_EXTRA and t not in SIMULATOR_TOPICS:
                raise ValueError(
                    f"threats: target {t!r} is none of {CONTENT_TARGETS_EXTRA} or a topic of "
                    f"{SIMULATOR_TOPICS}"
                )
        if not self.brigade_targets:
            raise ValueError("brigade_targets must not be empty")
        if self.love_rate >= self.reactor_share:
            raise ValueError(
                f"love_rate {self.love_rate:g} must be below reactor_share {self.reactor_share:g}: "
                "only reactors love"
            )
        return self


class OasstConfig(Section):
    path: str = "../shared/data/oasst/oasst_replies.parquet"
    split: Literal["dev", "test", "all"] = "dev"


class SourceConfig(Section):
    kind: Literal["simulator", "landing", "oasst"] = "simulator"
    start_date: dt.date = dt.date(2026, 1, 1)
    simulator: SimulatorConfig = SimulatorConfig()
    oasst: OasstConfig = OasstConfig()
