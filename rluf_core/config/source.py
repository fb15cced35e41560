"""`source`: where traffic comes from (landing zone, the simulator, or the OASST import)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from rluf_core.config.base import Section


class SimulatorConfig(Section):
    """Parameters of rluf_core.simulation (owned by the simulator)."""

    seed: int = 7
    days: int = Field(14, ge=1)
    turns_per_day: int = Field(20000, ge=1)
    n_users: int = Field(20000, ge=1)


class OasstConfig(Section):
    path: str = "../shared/data/oasst/oasst_replies.parquet"
    split: Literal["dev", "test", "all"] = "dev"


class SourceConfig(Section):
    kind: Literal["simulator", "landing", "oasst"] = "simulator"
    start_date: dt.date = dt.date(2026, 1, 1)
    simulator: SimulatorConfig = SimulatorConfig()
    oasst: OasstConfig = OasstConfig()
