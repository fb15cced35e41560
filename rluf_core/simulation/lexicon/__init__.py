"""Phrase banks of the simulated assistant and its users, and the lexicons that score any text.

Everything the simulated users judge is visible in the words: on-topic substance (topic keywords),
vague deflection, warmth, bait (sign-offs, hearts, requests for reactions) and unsafe advice.
No phrase contains a double quote or a backslash, so contexts can be assembled as JSON quickly.
"""

from __future__ import annotations

from rluf_core.config.source import SIMULATOR_TOPICS as TOPICS
from rluf_core.simulation.lexicon.keywords import KEYWORDS
from rluf_core.simulation.lexicon.phrases import (
    HEARTS,
    LANG_OPENERS,
    LANGS,
    OTHER_EMOJI,
    REQUEST_PATTERN,
    REQUESTS,
    SIGNOFF_PATTERN,
    SIGNOFFS,
    SURFACES,
    UNSAFE,
    UNSAFE_PATTERN,
    VAGUE,
    VAGUE_MARKERS,
    WARM,
    WARM_MARKERS,
)
from rluf_core.simulation.lexicon.prompts import JAILBREAK_PROMPTS, PROMPTS
from rluf_core.simulation.lexicon.substance import SUBSTANCE

__all__ = [
    "HEARTS",
    "JAILBREAK_PROMPTS",
    "KEYWORDS",
    "LANG_OPENERS",
    "LANGS",
    "OTHER_EMOJI",
    "PROMPTS",
    "REQUEST_PATTERN",
    "REQUESTS",
    "SIGNOFF_PATTERN",
    "SIGNOFFS",
    "SUBSTANCE",
    "SURFACES",
    "TOPICS",
    "UNSAFE",
    "UNSAFE_PATTERN",
    "VAGUE",
    "VAGUE_MARKERS",
    "WARM",
    "WARM_MARKERS",
]
