"""Progress of the policy trainers: log lines with rates and ETA, and a hook for metrics per step.

A transformers TrainerCallback, so SFT, GRPO, RLOO and KTO report the same way; `on_metrics` receives
each logged dict (the job forwards it to MLflow and to Dagster Pipes).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from transformers import TrainerCallback

log = logging.getLogger("rluf.policy")


class ProgressCallback(TrainerCallback):
    def __init__(
        self,
        what: str,
        on_metrics: Callable[[int, dict[str, float]], None] | None = None,
        stop_after_steps: int | None = None,
    ):
        self.what, self.on_metrics, self.stop_after_steps = what, on_metrics, stop_after_steps
        self.t0 = time.time()
        self.first_step: int | None = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        self.t0, self.first_step = time.time(), state.global_step

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict | None = None, **kw: Any
    ) -> None:
        logs = {k: float(v) for k, v in (logs or {}).items() if _is_number(v)}
        done = state.global_step - (self.first_step or 0)
        rate = done / max(time.time() - self.t0, 1e-9)
        eta = (state.max_steps - state.global_step) / rate if rate > 0 else float("nan")
        shown = ", ".join(f"{k} {v:.4g}" for k, v in list(logs.items())[:6])
        log.info(
            "%s: step %d/%d, %.2f steps/s, ETA %.0fs; %s",
            self.what,
            state.global_step,
            state.max_steps,
            rate,
            eta,
            shown,
        )
        if self.on_metrics is not None and logs:
            self.on_metrics(state.global_step, logs)

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> Any:
        if self.stop_after_steps is not None and state.global_step >= self.stop_after_steps:
            control.should_save = True
            control.should_training_stop = True
        return control


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))
