"""MLflow models-from-code entry of the P[Love] pyfunc: `registry.log_and_register` logs this file, and MLflow runs
it when it loads the version (with the version's own copy of rluf_core first on the path), instead of unpickling
an object."""

import mlflow

from rluf_core.reward.scoring.registry import PLovePyfunc

mlflow.models.set_model(PLovePyfunc())
