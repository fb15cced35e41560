"""The code location: every group's Definitions merged, with the shared resources."""

from __future__ import annotations

import dagster as dg

from rluf_dagster.defs import clean as clean_defs
from rluf_dagster.defs import evaluation as evaluation_defs
from rluf_dagster.defs import feedback as feedback_defs
from rluf_dagster.defs import ingest as ingest_defs
from rluf_dagster.defs import policy as policy_defs
from rluf_dagster.defs import promotion as promotion_defs
from rluf_dagster.defs import retraining as retraining_defs
from rluf_dagster.defs import reward as reward_defs
from rluf_dagster.defs import simulation as simulation_defs
from rluf_dagster.project import PROJECT_CONFIG, executor_for
from rluf_dagster.resources import MlflowResource, RlufResource

# One module per asset group (rluf_dagster/defs/<group>.py), each exposing `defs`. The simulator is
# part of the code location only where the config's source is the simulator: elsewhere the landing
# zone holds real traffic, and nothing should be able to write simulated traffic into it.
GROUP_DEFS: list[dg.Definitions] = [
    *([simulation_defs.defs] if PROJECT_CONFIG.source.kind == "simulator" else []),
    ingest_defs.defs,
    clean_defs.defs,
    feedback_defs.defs,
    reward_defs.defs,
    policy_defs.defs,
    evaluation_defs.defs,
    promotion_defs.defs,
    retraining_defs.defs,
]

RLUF = RlufResource()

defs = dg.Definitions.merge(
    *GROUP_DEFS,
    dg.Definitions(
        resources={"rluf": RLUF, "mlflow": MlflowResource(rluf=RLUF)},
        executor=executor_for(PROJECT_CONFIG),
    ),
)
