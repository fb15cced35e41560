"""Group "policy": helpfulness_model, safety_judge, base_policy and policy_checkpoint.

The three trained ones run as separate processes through Dagster Pipes (rluf_core.jobs.*): a subprocess
by default, a Kubernetes pod with GPUs in production; the safety judge is rules (or a small model)
and runs in the asset.
"""

import dagster as dg

from rluf_core.judges import build_safety_judge
from rluf_core.policy.prompts import read_turns, split_days
from rluf_dagster.launchers import run_job
from rluf_dagster.project import PROJECT_CONFIG
from rluf_dagster.resources import MlflowResource, RlufResource

POLICY_JOB = "rluf_core.jobs.train_policy"


def _args(rluf: RlufResource) -> list[str]:
    return ["--config", rluf.config.source_file] if rluf.config.source_file else []


def _launch(
    context: dg.AssetExecutionContext,
    rluf: RlufResource,
    mlflow: MlflowResource,
    module: str,
    extra: list[str] | None = None,
) -> dg.MaterializeResult:
    res = run_job(context, rluf.config, module, _args(rluf) + (extra or []), env=mlflow.env())
    return res.get_materialize_result()


@dg.asset(
    group_name="policy",
    deps=["clean_turns"],
    kinds={"pytorch"},
    description="The starting policy: a causal LM (tiny GPT-2 built from config, or a path / hub id) "
    "fine-tuned with TRL SFTTrainer on (prompt, production reply) pairs",
)
def base_policy(context: dg.AssetExecutionContext, rluf: RlufResource, mlflow: MlflowResource):
    return _launch(context, rluf, mlflow, "rluf_core.jobs.train_base_policy")


@dg.asset(
    group_name="policy",
    deps=["clean_turns"],
    kinds={"pytorch"},
    description="P(helpful | context, response), trained on the annotators' `ratings` with the "
    "reward-model code; held-out Spearman against the annotator scores",
)
def helpfulness_model(
    context: dg.AssetExecutionContext, rluf: RlufResource, mlflow: MlflowResource
):
    return _launch(context, rluf, mlflow, "rluf_core.jobs.train_helpfulness")


@dg.asset(
    group_name="policy",
    deps=["clean_turns"],
    description="The safety judge that vetoes (policy.judges): a violation flag and a reason per reply; "
    "on the held-out production replies, its agreement with the simulator's truth",
)
def safety_judge(rluf: RlufResource) -> dg.MaterializeResult:
    cfg = rluf.config
    lake = rluf.lake
    _, held = split_days(lake.dataset_days("clean_turns"), cfg.policy.heldout_days)
    turns = read_turns(lake, held)
    verdict = build_safety_judge(cfg.policy.judges, cfg.policy.trust_remote_code).judge(
        turns["response"]
    )
    judged = turns[["turn_id", "day"]].assign(
        unsafe=verdict["unsafe"].to_numpy(), reason=verdict["categories"].to_numpy()
    )
    lake.write_dataset("safety_judgements", judged)
    meta: dict = {
        "judge": cfg.policy.judges.safety,
        "rows": len(judged),
        "flagged_rate": float(judged["unsafe"].mean()) if len(judged) else 0.0,
        "reasons": {
            str(k): int(v)
            for k, v in judged.loc[judged["unsafe"], "reason"].value_counts().head(10).items()
        },
    }
    if cfg.source.kind == "simulator":
        from rluf_core.evaluation.judge_agreement import agreement

        meta["vs_truth"] = agreement(turns["response"], judged["unsafe"].to_numpy())
    lake.write_report("safety_judge", meta)
    flat = {k: v for k, v in meta.items() if not isinstance(v, dict)}
    flat.update({f"truth_{k}": v for k, v in meta.get("vs_truth", {}).items() if v is not None})
    flat["reasons"] = dg.MetadataValue.json(meta["reasons"])
    return dg.MaterializeResult(metadata=flat)


@dg.asset(
    group_name="policy",
    deps=[base_policy, helpfulness_model, safety_judge, "p_love_model", "feedback_dataset"],
    kinds={"pytorch", "mlflow"},
    description="The optimised policy: GRPO (or RLOO / KTO) against P[Love], helpfulness and the safety "
    "veto with KL control, registered as <policy.model_name>@challenger",
)
def policy_checkpoint(
    context: dg.AssetExecutionContext, rluf: RlufResource, mlflow: MlflowResource
):
    return _launch(context, rluf, mlflow, POLICY_JOB)


SWEEP_WEIGHTS = [f"{float(w):g}" for w in PROJECT_CONFIG.evaluation.sweep_weights]
sweep_partitions = dg.StaticPartitionsDefinition(SWEEP_WEIGHTS or ["0.1"])


@dg.asset(
    group_name="policy_sweep",
    partitions_def=sweep_partitions,
    deps=[policy_checkpoint],
    kinds={"pytorch"},
    description="The paper's weight table: one policy per P[Love] weight (a static partition each), "
    "trained like policy_checkpoint but not registered; offline_eval_report reads them",
)
def policy_sweep(context: dg.AssetExecutionContext, rluf: RlufResource, mlflow: MlflowResource):
    w = context.partition_key
    home = rluf.config.storage.home_path
    extra = [
        "--set",
        f"objectives.p_love={w}",
        "--out",
        str(home / "policy" / "sweep" / f"w{w}"),
        "--report",
        f"policy_sweep_w{w}",
        "--no-register",
    ]
    return _launch(context, rluf, mlflow, POLICY_JOB, extra)


weight_sweep_job = dg.define_asset_job(
    "weight_sweep_job",
    selection=dg.AssetSelection.assets(policy_sweep),
    partitions_def=sweep_partitions,
    description="Train one policy per evaluation.sweep_weights (run it as a backfill over the partitions), then "
    "materialise offline_eval_report to get the weight table",
)


defs = dg.Definitions(
    assets=[base_policy, helpfulness_model, safety_judge, policy_checkpoint, policy_sweep],
    jobs=[weight_sweep_job],
)
