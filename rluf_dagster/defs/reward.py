"""Group "reward": p_love_model (the training job, launched through Pipes) and p_love_report (its
evaluation, with a blocking check: the model must beat length-only and stay under the ECE cap)."""

import dagster as dg

from rluf_dagster.launchers import run_job
from rluf_dagster.metadata import png
from rluf_dagster.resources import MlflowResource, RlufResource

CHECK = "p_love_beats_length_and_calibrated"


@dg.asset(
    group_name="reward",
    deps=["feedback_dataset"],
    kinds={"pytorch", "mlflow"},
    description="P[Love]: calibrated classifier of P(love | context, response), registered as "
    "<reward_model.model_name>@challenger (trained by rluf_core.jobs.train_reward_model)",
)
def p_love_model(context: dg.AssetExecutionContext, rluf: RlufResource, mlflow: MlflowResource):
    cfg = rluf.config
    args = ["--config", cfg.source_file] if cfg.source_file else []
    return run_job(
        context, cfg, "rluf_core.jobs.train_reward_model", args, env=mlflow.env()
    ).get_materialize_result()


@dg.asset(
    group_name="reward",
    deps=[p_love_model],
    kinds={"mlflow"},
    description="Test metrics of P[Love] vs constant and length-only baselines and the simulator's ceiling",
    check_specs=[
        dg.AssetCheckSpec(
            CHECK,
            asset="p_love_report",
            blocking=True,
            description="model AUROC > length-only AUROC and ECE <= reward_model.max_ece",
        )
    ],
)
def p_love_report(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    from rluf_core.reward.reports.evaluation import (
        build_report,
    )  # torch: only where a report is built

    rep = build_report(rluf.config)
    m = rep.metrics["test"]
    meta = {
        "test_rows": rep.metrics["n_test"],
        "auroc": m["model"]["auroc"],
        "pr_auc": m["model"]["pr_auc"],
        "ece": m["model"]["ece"],
        "brier": m["model"]["brier"],
        "length_r": m["model"]["length_r"],
        "length_only_auroc": m["length_only"]["auroc"],
        "ceiling_auroc": m.get("ceiling_text", {}).get("auroc"),
        "auroc_ratio_to_ceiling": rep.metrics.get("auroc_ratio_to_ceiling"),
        "model_uri": rep.metrics.get("model_uri") or "",
        "report": dg.MetadataValue.md(rep.markdown),
        "reliability_diagram": png("reliability", rep.images["reliability.png"]),
        "roc_curve": png("roc", rep.images["roc.png"]),
    }
    checks = rep.metrics["checks"]
    result = dg.AssetCheckResult(
        check_name=CHECK,
        passed=rep.passed,
        metadata={
            "auroc": m["model"]["auroc"],
            "length_only_auroc": m["length_only"]["auroc"],
            "ece": m["model"]["ece"],
            "max_ece": rluf.config.reward_model.max_ece,
            **{k: bool(v) for k, v in checks.items()},
        },
    )
    return dg.MaterializeResult(
        metadata={k: v for k, v in meta.items() if v is not None}, check_results=[result]
    )


defs = dg.Definitions(assets=[p_love_model, p_love_report])
