"""MLflow models-from-code entry of the policy pyfunc (see rluf_core/policy/registry.py)."""

import mlflow

from rluf_core.policy.registry import PolicyPyfunc

mlflow.models.set_model(PolicyPyfunc())
