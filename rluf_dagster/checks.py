"""Asset checks built the same way for several groups: the blocking quality check of a dataset."""

import dagster as dg

from rluf_core.quality import validate_partition
from rluf_dagster.diagnosis import quality_failure
from rluf_dagster.metadata import check_result
from rluf_dagster.project import daily_partitions
from rluf_dagster.resources import RlufResource


def quality_check(
    asset: dg.AssetsDefinition, dataset: str, description: str
) -> dg.AssetChecksDefinition:
    """The blocking check running `dataset`'s quality suite on the asset's partition."""

    @dg.asset_check(
        asset=asset,
        name=f"{dataset}_quality",
        blocking=True,
        partitions_def=daily_partitions,
        description=description,
    )
    def _check(context: dg.AssetCheckExecutionContext, rluf: RlufResource):
        result = validate_partition(rluf.lake, rluf.config, dataset, context.partition_key)
        yield check_result(result)
        if (
            not result.success
        ):  # the run fails with the diagnosis as its message (the result is recorded)
            raise quality_failure(rluf.lake, rluf.config, result)

    return _check
