"""Promotion entry points: config in, decision recorded, aliases moved, report written.

What the Dagster assets and jobs call (and scripts may): each connects to the configured registry
first (RegistryError when it does not answer), so that nothing moves on bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlflow.tracking import MlflowClient

from rluf_core import model_aliases as ma
from rluf_core.config import RlufConfig
from rluf_core.lake import Lake
from rluf_core.promotion import decision as dec
from rluf_core.promotion.report import (
    P_LOVE_REPORT,
    POLICY_REPORT,
    report_body,
    write_decision_report,
)

EVAL_REPORT = "offline_eval_report"


def registry(cfg: RlufConfig) -> MlflowClient:
    """A client of the configured registry that has answered (RegistryError otherwise)."""
    uri = cfg.storage.mlflow_uri
    if uri.startswith(
        "sqlite:///"
    ):  # the embedded store: its folder may not exist before the first run
        Path(uri[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    return ma.connect(uri)


def report_name(cfg: RlufConfig, model: str) -> str:
    """The report of a model's decisions; PromotionError for a model rluf does not promote."""
    names = {cfg.promotion.model_name: POLICY_REPORT, cfg.reward_model.model_name: P_LOVE_REPORT}
    if model not in names:
        raise dec.PromotionError(
            f"model {model!r} is not promoted by rluf (known: {', '.join(names)})"
        )
    return names[model]


def promote_policy(cfg: RlufConfig, lake: Lake | None = None) -> dict[str, Any]:
    """The gated decision on the policy from lake/reports/offline_eval_report.json."""
    lake = lake or Lake(cfg.storage.lake)
    if not lake.fs.exists(lake.report_path(EVAL_REPORT)):
        raise FileNotFoundError(
            f"{lake.report_path(EVAL_REPORT)}: no offline evaluation; materialise "
            f"{EVAL_REPORT} first"
        )
    client = registry(cfg)
    decision = dec.decide_policy(client, cfg, lake.read_report(EVAL_REPORT))
    return _report(client, lake, POLICY_REPORT, decision)


def promote_p_love(cfg: RlufConfig, lake: Lake | None = None) -> dict[str, Any]:
    """The gated decision on P[Love] from its versions' report tags."""
    client = registry(cfg)
    decision = dec.decide_p_love(client, cfg)
    return _report(client, lake or Lake(cfg.storage.lake), P_LOVE_REPORT, decision)


def force_promote(
    cfg: RlufConfig, model: str, version: str, reason: str, request_id: str | None = None
) -> dict[str, Any]:
    """The promote job: `version` of `model` becomes champion; the reason is mandatory."""
    if not str(reason or "").strip():
        raise dec.PromotionError(
            f"promote {model} version {version}: a reason is mandatory (config 'reason')"
        )
    name = report_name(cfg, model)
    client = registry(cfg)
    decision = dec.force_promote(client, model, version, reason, request_id)
    return _report(client, Lake(cfg.storage.lake), name, decision)


def roll_back(cfg: RlufConfig, model: str, request_id: str | None = None) -> dict[str, Any]:
    """The rollback job: the previous champion of `model` is champion again."""
    name = report_name(cfg, model)
    client = registry(cfg)
    decision = dec.rollback(client, model, request_id)
    return _report(client, Lake(cfg.storage.lake), name, decision)


def _report(
    client: MlflowClient, lake: Lake, name: str, decision: dict[str, Any]
) -> dict[str, Any]:
    model = decision["model"]
    body = report_body(decision, ma.aliases(client, model), ma.history(client, model))
    path, written = write_decision_report(lake, name, body)
    return {**body, "report_path": path, "report_written": written}
