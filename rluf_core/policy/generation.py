"""What a policy is to the rest of rluf: something that writes one reply per (prompt, context).

Evaluation, the A/B test and promotion only see this protocol, so a saved checkpoint, the simulator's
production policy or a test double can stand in for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Policy(Protocol):
    """A reply writer. `contexts[i]` is the JSON list of earlier {role, text} turns, or None."""

    name: str

    def generate(
        self, prompts: Sequence[str], contexts: Sequence[str | None], *, seed: int = 0
    ) -> list[str]:
        """One reply per prompt, reproducible for the same seed."""
        ...
