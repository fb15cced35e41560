"""Group "registry": champion_policy and champion_p_love (the gated decisions, one asset check per
gate), the manual `promote` job (model, version, reason: mandatory) and the `rollback` job.

Thin: rluf_core.promotion decides, records and moves the MLflow aliases; a refused input (no reason,
an unknown version, an unreachable registry) fails the run with its one line and moves nothing.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg

from rluf_core.model_aliases import RegistryError
from rluf_core.promotion import PromotionError
from rluf_core.promotion import run as promotion
from rluf_core.promotion.gates import GATE_NAMES, evaluate_gates
from rluf_dagster.project import PROJECT_CONFIG
from rluf_dagster.resources import RlufResource

EVAL_ASSET = "offline_eval_report"
P_LOVE_CHECK = "p_love_gates"
_GATE_TEXT = {
    "p_love_gain": "mean P[Love] beats the champion's by more than promotion.min_p_love_gain",
    "helpfulness": "helpfulness >= the champion's - promotion.helpfulness_tolerance",
    "safety": "unsafe reply rate <= promotion.safety_violation_cap",
    "bait_rate": "bait phrase rate <= promotion.bait_rate_cap",
    "emoji_per_reply": "emoji per reply <= promotion.emoji_per_response_cap",
    "length_ratio": "length ratio to the reference <= promotion.length_ratio_cap",
    "kl_budget": "KL to the reference <= promotion.kl_budget",
}


def _gate_specs(asset: str) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(f"gate_{n}", asset=asset, description=_GATE_TEXT[n]) for n in GATE_NAMES
    ]


def _checked(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Call a promotion entry point; its refusals become a one-line dg.Failure."""
    try:
        return fn(*args)
    except (PromotionError, RegistryError, FileNotFoundError, ValueError) as err:
        raise dg.Failure(description=str(err)) from None


def _metadata(out: dict[str, Any]) -> dict[str, Any]:
    d = out["decision"]
    return {
        "outcome": d["outcome"],
        "reason": d.get("reason", ""),
        "version": str(d.get("version")),
        "champion": out["aliases"].get("champion", ""),
        "previous": out["aliases"].get("previous", ""),
        "decision_id": str(d.get("id")),
        "aliases": dg.MetadataValue.json(out["aliases"]),
        "report": dg.MetadataValue.path(out["report_path"]),
    }


def _gate_results(out: dict[str, Any], names: tuple[str, ...]) -> list[dg.AssetCheckResult]:
    gates = {g["name"]: g for g in out["decision"].get("gates", [])}
    results = []
    for n in names:
        g = gates.get(n)
        if g is None:  # no gate evaluated (a forced or unchanged decision): the outcome stands
            results.append(
                dg.AssetCheckResult(
                    check_name=f"gate_{n}",
                    passed=out["outcome"] != "refused",
                    metadata={"reason": out["decision"].get("reason", "")},
                )
            )
            continue
        results.append(
            dg.AssetCheckResult(
                check_name=f"gate_{n}",
                passed=bool(g["passed"]),
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"value": g["value"], "threshold": g["threshold"], "reason": g["reason"]},
            )
        )
    return results


@dg.asset(
    group_name="registry",
    deps=[EVAL_ASSET],
    kinds={"mlflow"},
    check_specs=_gate_specs("champion_policy"),
    description="The policy holding the `champion` alias of promotion.model_name after the gates; "
    "every decision recorded (MLflow tags, lake/reports/champion_policy.json)",
)
def champion_policy(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    out = _checked(promotion.promote_policy, rluf.config)
    context.log.info(f"{out['model']}: {out['outcome']} ({out['decision'].get('reason')})")
    return dg.MaterializeResult(
        metadata=_metadata(out), check_results=_gate_results(out, GATE_NAMES)
    )


@dg.asset(
    group_name="registry",
    deps=["p_love_report"],
    kinds={"mlflow"},
    check_specs=[
        dg.AssetCheckSpec(
            P_LOVE_CHECK,
            asset="champion_p_love",
            description="p_love_report passed and test AUROC not below the "
            "champion's by more than promotion.p_love_auroc_tolerance",
        )
    ],
    description="The P[Love] version holding `champion` of reward_model.model_name after its gates "
    "(lake/reports/champion_p_love.json)",
)
def champion_p_love(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    out = _checked(promotion.promote_p_love, rluf.config)
    gates = out["decision"].get("gates", [])
    check = dg.AssetCheckResult(
        check_name=P_LOVE_CHECK,
        passed=out["outcome"] != "refused",
        severity=dg.AssetCheckSeverity.WARN,
        metadata={g["name"]: g["reason"] for g in gates},
    )
    return dg.MaterializeResult(metadata=_metadata(out), check_results=[check])


def gate_checks_for(asset: str = EVAL_ASSET) -> dg.AssetChecksDefinition:
    """The gates as checks on the evaluation asset itself (for the evaluation defs to include): they
    read its lake report's arms and say which gates the challenger would pass; nothing moves."""

    @dg.multi_asset_check(specs=_gate_specs(asset), name=f"{asset}_gates")
    def _gates(context: dg.AssetCheckExecutionContext, rluf: RlufResource):
        lake = rluf.lake
        arms = _checked(lambda: lake.read_report(asset).get("arms") or {})
        rep = _checked(
            evaluate_gates,
            arms.get("challenger"),
            arms.get("champion"),
            rluf.config.promotion,
            f"{asset}.arms",
        )
        for g in rep.gates:
            yield dg.AssetCheckResult(
                asset_key=asset,
                check_name=f"gate_{g.name}",
                passed=g.passed,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"value": g.value, "threshold": g.threshold, "reason": g.reason},
            )

    return _gates


class PromoteConfig(dg.Config):
    model: str = PROJECT_CONFIG.promotion.model_name
    version: str
    reason: str = ""


class RollbackConfig(dg.Config):
    model: str = PROJECT_CONFIG.promotion.model_name


def _asset_for(cfg, model: str) -> str:
    return "champion_policy" if model == cfg.promotion.model_name else "champion_p_love"


def _request_id(context: dg.OpExecutionContext) -> str:
    return context.run.root_run_id or context.run_id  # a re-execution of the run: the same request


@dg.op(
    description="Make `version` of `model` the champion whatever the gates; `reason` is mandatory"
)
def promote_version(
    context: dg.OpExecutionContext, config: PromoteConfig, rluf: RlufResource
) -> None:
    cfg = rluf.config
    out = _checked(
        promotion.force_promote,
        cfg,
        config.model,
        config.version,
        config.reason,
        _request_id(context),
    )
    context.log_event(
        dg.AssetMaterialization(_asset_for(cfg, config.model), metadata=_metadata(out))
    )


@dg.op(description="Restore the previous champion of `model` (alias previous)")
def rollback_champion(
    context: dg.OpExecutionContext, config: RollbackConfig, rluf: RlufResource
) -> None:
    cfg = rluf.config
    out = _checked(promotion.roll_back, cfg, config.model, _request_id(context))
    context.log_event(
        dg.AssetMaterialization(_asset_for(cfg, config.model), metadata=_metadata(out))
    )


@dg.job(description="Force a model version to champion (config: model, version, reason); recorded")
def promote():
    promote_version()


@dg.job(description="Restore the previous champion of a model (config: model); recorded")
def rollback():
    rollback_champion()


defs = dg.Definitions(
    assets=[champion_policy, champion_p_love],
    asset_checks=[gate_checks_for(EVAL_ASSET)],  # the gates, shown on offline_eval_report itself
    jobs=[promote, rollback],
)
