"""Data quality: GX Core suites defined once, plus trailing-days checks, runnable outside Dagster."""

from rluf_core.quality.result import CheckOutcome, QualityResult
from rluf_core.quality.trailing import rate_check, volume_check
from rluf_core.quality.validate import (
    QualityGateError,
    clear_result,
    failed_days,
    require_not_failed,
    require_passed,
    stored_result,
    validate_clean,
    validate_partition,
    validate_raw,
)

__all__ = [
    "CheckOutcome",
    "QualityGateError",
    "QualityResult",
    "clear_result",
    "failed_days",
    "rate_check",
    "require_not_failed",
    "require_passed",
    "stored_result",
    "validate_clean",
    "validate_partition",
    "validate_raw",
    "volume_check",
]
