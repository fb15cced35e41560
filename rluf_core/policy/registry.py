"""MLflow: a trained policy as a pyfunc model version of `policy.model_name` (rluf-policy).

`mlflow.pyfunc.load_model("models:/rluf-policy@champion").predict(df)` takes `prompt` and optional
`context` columns and returns one reply per row. Logged from code (pyfunc_entry.py) with the rluf_core
source it was trained with in `code_paths`, the checkpoint folder (safetensors + tokenizer +
policy.json) as its artifact, and lineage tags on the version: base model, P[Love] version, data
partitions, reward weights, seed.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema

from rluf_core import tracking

ARTIFACT = "policy"
ENTRY = Path(__file__).with_name("pyfunc_entry.py")


class PolicyPyfunc(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """Input: a DataFrame with `prompt` and optionally `context`; output: the replies."""

    def load_context(self, context):
        from rluf_core.policy.checkpoint import HFPolicy

        self.policy = HFPolicy.load(context.artifacts[ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> np.ndarray:
        df = pd.DataFrame(model_input)
        if "prompt" not in df.columns:
            raise ValueError(f"policy input lacks column 'prompt'; has {list(df.columns)}")
        ctx = df["context"].tolist() if "context" in df.columns else None
        seed = int((params or {}).get("seed", 0))
        return np.asarray(
            self.policy.generate(df["prompt"].astype(str).tolist(), ctx, seed=seed), dtype=object
        )


def signature() -> ModelSignature:
    inputs = Schema([ColSpec("string", "prompt"), ColSpec("string", "context", required=False)])
    return ModelSignature(inputs=inputs, outputs=Schema([ColSpec("string", "response")]))


def log_policy(policy_dir: str | Path, model_name: str) -> str:
    """Log the checkpoint as a pyfunc in the active run and register a version; returns the version."""
    with tracking.source_copy() as code:
        info = mlflow.pyfunc.log_model(
            name="policy",
            python_model=str(ENTRY),
            artifacts={ARTIFACT: str(policy_dir)},
            code_paths=[code],
            pip_requirements=tracking.pinned(tracking.MODEL_REQUIREMENTS),
            signature=signature(),
            registered_model_name=model_name,
        )
    return str(info.registered_model_version)
