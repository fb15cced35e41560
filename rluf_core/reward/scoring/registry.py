"""MLflow: P[Love] as a pyfunc model (encoder + head + calibration in one object), registered with an alias.

Why pyfunc rather than the transformers flavour: the served object is not a bare transformers model but
the encoder, the trained head, the prior-shift correction and the calibrator together; a transformers
pipeline would return uncalibrated logits at the training prior. The pyfunc wraps `PLoveScorer`, so
`mlflow.pyfunc.load_model("models:/rluf-p-love@challenger").predict(df)` returns calibrated P(love).

The version is self-contained, so that a serving environment without rluf installed can load it (`mlflow models
serve`, a batch job): it is logged from code (`pyfunc_entry.py`, no pickled object), carries the `rluf_core` source
it was trained with (`code_paths`, ahead of any installed rluf on the path) and pins every package that source
imports to load a scorer, with an input example that MLflow checks against the signature when it logs.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema, TensorSpec

from rluf_core import model_aliases, tracking

ARTIFACT = "scorer"
INPUT_COLUMNS = ("context", "prompt", "response")
# what rluf_core imports to load and run a PLoveScorer (config models included), as distribution names
REQUIREMENTS = (*tracking.MODEL_REQUIREMENTS, "scipy", "scikit-learn")
WRITING_REQUIREMENTS = ("pyspellchecker",)
ENTRY = Path(__file__).with_name("pyfunc_entry.py")
INPUT_EXAMPLE = pd.DataFrame(
    {
        "context": [
            '[{"role": "user", "text": "Hi!"}, {"role": "assistant", "text": "Hello, how can I help?"}]'
        ],
        "prompt": ["How long should I boil an egg?"],
        "response": [
            "About 9 minutes for a firm yolk; put it in cold water afterwards so it peels easily."
        ],
    }
)


class PLovePyfunc(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """Input: a DataFrame with `prompt`, `response` and optionally `context`; output: P(love) per row."""

    def load_context(self, context):
        from rluf_core.reward.scoring.scorer import PLoveScorer

        self.scorer = PLoveScorer.load(context.artifacts[ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> np.ndarray:
        df = pd.DataFrame(model_input)
        missing = [c for c in ("prompt", "response") if c not in df.columns]
        if missing:
            raise ValueError(
                f"P[Love] input lacks column(s) {missing}; expected {list(INPUT_COLUMNS)}"
            )
        ctx = df["context"].tolist() if "context" in df.columns else None
        return self.scorer.score(
            ctx, df["prompt"].tolist(), df["response"].tolist()
        )  # None/NaN read as ""


def signature() -> ModelSignature:
    inputs = Schema(
        [
            ColSpec("string", "context", required=False),
            ColSpec("string", "prompt"),
            ColSpec("string", "response"),
        ]
    )
    return ModelSignature(
        inputs=inputs, outputs=Schema([TensorSpec(np.dtype("float64"), (-1,), "p_love")])
    )


def log_and_register(
    scorer_dir: str | Path,
    model_name: str,
    alias: str = "challenger",
    tags: dict[str, str] | None = None,
) -> tuple[str, str]:
    """Log the scorer as a pyfunc in the active run, register a version, point `alias` at it.

    Returns (models:/<name>@<alias> URI, version).
    """
    from rluf_core.reward.scoring.scorer import PLoveScorer

    writing = bool(PLoveScorer.read_meta(scorer_dir).get("writing_features"))
    with tracking.source_copy() as code:
        info = mlflow.pyfunc.log_model(
            name="p_love",
            python_model=str(ENTRY),
            artifacts={ARTIFACT: str(scorer_dir)},
            code_paths=[code],
            pip_requirements=tracking.pinned(
                REQUIREMENTS + (WRITING_REQUIREMENTS if writing else ())
            ),
            signature=signature(),
            input_example=INPUT_EXAMPLE,
            registered_model_name=model_name,
        )
    version = str(info.registered_model_version)
    client = mlflow.MlflowClient()
    model_aliases.set_alias(client, model_name, alias, version)  # the one place aliases move
    for k, v in (tags or {}).items():
        client.set_model_version_tag(model_name, version, k, str(v))
    return f"models:/{model_name}@{alias}", version
