"""Progress lines for the evaluation's long loops (arms, variants, sweep weights): one INFO line per
item with the elapsed time and the ETA, on the `rluf.evaluation` logger."""

from __future__ import annotations

import logging
import time

log = logging.getLogger("rluf.evaluation")


class Progress:
    """`done(what)` after each of `total` items of `task` logs `task i/total what (elapsed, ETA)`."""

    def __init__(self, task: str, total: int) -> None:
        self.task, self.total, self.i = task, total, 0
        self.t0 = time.monotonic()

    def done(self, what: str) -> None:
        self.i += 1
        elapsed = time.monotonic() - self.t0
        eta = elapsed / self.i * (self.total - self.i)
        log.info(
            "%s %d/%d %s (elapsed %.0fs, ETA %.0fs)",
            self.task,
            self.i,
            self.total,
            what,
            elapsed,
            eta,
        )
