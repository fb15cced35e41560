"""MLflow: P[Love] as a pyfunc model (encoder + head + calibration in one object), registered with an alias.

Why pyfunc rather than the transformers flavour: the served object is not a bare transformers model but
the encoder, the trained head, the prior-shift correction and the calibrator together; a transformers
pipeline would return uncalibrated logits at the training prior. The pyfunc wraps `PLoveScorer`, so
`mlflow.pyfunc.load_model("models:/rluf-p-love@challenger").predict(df)` returns calibrated P(love).
"""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema, TensorSpec

ARTIFACT = "scorer"
INPUT_COLUMNS = ("context", "prompt", "response")
REQUIREMENTS = ("torch", "transformers", "safetensors", "numpy", "pandas", "scipy", "scikit-learn", "mlflow")


class PLovePyfunc(mlflow.pyfunc.PythonModel):
    """Input: a DataFrame with `prompt`, `response` and optionally `context`; output: P(love) per row."""

    def load_context(self, context):
        from rluf_core.reward.scorer import PLoveScorer

        self.scorer = PLoveScorer.load(context.artifacts[ARTIFACT])

    def predict(self, context, model_input, params=None):
        df = pd.DataFrame(model_input)
        missing = [c for c in ("prompt", "response") if c not in df.columns]
        if missing:
            raise ValueError(f"P[Love] input lacks column(s) {missing}; expected {list(INPUT_COLUMNS)}")
        ctx = df["context"].tolist() if "context" in df.columns else None
        return self.scorer.score(ctx, df["prompt"].astype(str).tolist(), df["response"].astype(str).tolist())


def _pins() -> list[str]:
    out = []
    for p in REQUIREMENTS:
        try:
            out.append(f"{p}=={md.version(p)}")
        except md.PackageNotFoundError:
            out.append(p)
    return out


def signature() -> ModelSignature:
    inputs = Schema([ColSpec("string", "context", required=False), ColSpec("string", "prompt"),
                     ColSpec("string", "response")])
    return ModelSignature(inputs=inputs, outputs=Schema([TensorSpec(np.dtype("float64"), (-1,), "p_love")]))


def log_and_register(scorer_dir: str | Path, model_name: str, alias: str = "challenger",
                     tags: dict[str, str] | None = None) -> tuple[str, str]:
    """Log the scorer as a pyfunc in the active run, register a version, point `alias` at it.

    Returns (models:/<name>@<alias> URI, version).
    """
    info = mlflow.pyfunc.log_model(name="p_love", python_model=PLovePyfunc(), artifacts={ARTIFACT: str(scorer_dir)},
                                   pip_requirements=_pins(), signature=signature(), registered_model_name=model_name)
    version = str(info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(model_name, alias, version)
    for k, v in (tags or {}).items():
        client.set_model_version_tag(model_name, version, k, str(v))
    return f"models:/{model_name}@{alias}", version
