"""Group "evaluation": offline_eval_report (fixed prompts, hacking detectors, offline-online r,
weight sweep) and ab_test_report (the simulated online A/B test). The policies and scorers come
from the `evaluation_inputs` resource, whose `factory` names the policy group's loader."""

import base64
import importlib

import dagster as dg

from rluf_core.config import RlufConfig
from rluf_core.evaluation.pipeline import Inputs, run_ab_test, run_offline_eval
from rluf_core.evaluation.report import EvalReport
from rluf_core.promotion.gates import would_promote
from rluf_dagster.resources import RlufResource

DEPS = ["policy_checkpoint", "base_policy", "p_love_model", "helpfulness_model", "safety_judge"]


class EvaluationInputsResource(dg.ConfigurableResource):
    """Loads the evaluation's Inputs (champion, challenger, scorers, variants, sweep) with
    `factory`, "module:function" taking the RlufConfig."""

    factory: str = "rluf_core.evaluation.inputs:load_inputs"

    def load(self, cfg: RlufConfig) -> Inputs:
        module, _, name = self.factory.partition(":")
        try:
            fn = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as e:
            raise RuntimeError(
                f"evaluation_inputs.factory {self.factory!r} cannot be loaded: {e}"
            ) from e
        inputs = fn(cfg)
        if inputs.gates is None:  # the promotion gates decide the sweep's "promoted" column
            inputs.gates = lambda off, ab: would_promote(
                off["arms"]["challenger"], off["arms"]["champion"], cfg.promotion
            )
        return inputs


def ui_markdown(rep: EvalReport) -> str:
    """The report's Markdown with its images inlined (the Dagster UI has no lake to link to)."""
    md = rep.markdown
    for image, data in rep.images.items():
        uri = f"data:image/png;base64,{base64.b64encode(data).decode()}"
        md = md.replace(f"({rep.image_file(image)})", f"({uri})")
    return md


def _meta(rep: EvalReport, keys: dict[str, object]) -> dict:
    meta = {k: v for k, v in keys.items() if v is not None}
    meta["report"] = dg.MetadataValue.md(ui_markdown(rep))
    meta["mlflow_run_id"] = rep.metrics.get("mlflow_run_id") or ""
    return meta


@dg.asset(
    group_name="evaluation",
    deps=DEPS,
    kinds={"mlflow"},
    description="Champion and challenger on the fixed held-out prompts: P[Love], helpfulness, "
    "safety, hacking detectors, divergence, per topic; offline-online r and the "
    "P[Love] weight sweep when traffic is simulated",
)
def offline_eval_report(
    rluf: RlufResource, evaluation_inputs: EvaluationInputsResource
) -> dg.MaterializeResult:
    cfg = rluf.config
    rep = run_offline_eval(cfg, evaluation_inputs.load(cfg))
    m = rep.metrics
    ch = m["arms"]["challenger"]
    flagged = sorted(k for k, d in m["detectors"]["challenger"].items() if d["flagged"])
    return dg.MaterializeResult(
        metadata=_meta(
            rep,
            {
                "n_prompts": m["n_prompts"],
                "challenger_p_love_mean": ch["p_love_mean"],
                "champion_p_love_mean": m["arms"]["champion"]["p_love_mean"],
                "challenger_helpfulness_mean": ch["helpfulness_mean"],
                "challenger_unsafe_rate": ch["unsafe_rate"],
                "challenger_flagged_detectors": ", ".join(flagged) or "none",
                "offline_online_pearson": m.get("offline_online_pearson"),
                "n_variants": m.get("n_variants"),
            },
        )
    )


@dg.asset(
    group_name="evaluation",
    deps=DEPS,
    kinds={"mlflow"},
    description="Simulated online A/B test of the challenger against the champion: love lift "
    "with a 95% bootstrap interval by user, helpfulness and unsafe deltas, per topic",
)
def ab_test_report(
    rluf: RlufResource, evaluation_inputs: EvaluationInputsResource
) -> dg.MaterializeResult:
    cfg = rluf.config
    if cfg.source.kind != "simulator":
        return dg.MaterializeResult(
            metadata={
                "skipped": f"source.kind is {cfg.source.kind!r}: no "
                "simulated users to run an A/B test with"
            }
        )
    rep = run_ab_test(cfg, evaluation_inputs.load(cfg))
    m = rep.metrics
    return dg.MaterializeResult(
        metadata=_meta(
            rep,
            {
                "love_lift": m["love_lift"],
                "love_lift_ci_low": m["love_lift_ci_low"],
                "love_lift_ci_high": m["love_lift_ci_high"],
                "helpfulness_delta_rel": m["helpfulness_delta_rel"],
                "unsafe_delta": m["unsafe_delta"],
                "n_users": m["n_users"],
                "n_turns": m["n_turns"],
            },
        )
    )


defs = dg.Definitions(
    assets=[offline_eval_report, ab_test_report],
    resources={"evaluation_inputs": EvaluationInputsResource()},
)
