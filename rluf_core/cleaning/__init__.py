"""Cleaning and labelling: typed, deduplicated, joined, pseudonymised data; quarantine; reconciliation."""

from rluf_core.cleaning.labels import LABEL_COLUMNS, label_turns, reaction_days_needed
from rluf_core.cleaning.pseudonym import pseudonymise
from rluf_core.cleaning.quarantine import QUARANTINE_COLUMNS, concat_quarantine, empty_quarantine
from rluf_core.cleaning.reactions import CLEAN_REACTION_COLUMNS, clean_reactions
from rluf_core.cleaning.reconcile import ReconciliationError
from rluf_core.cleaning.turns import CLEAN_TURN_COLUMNS, clean_turns

__all__ = [
    "CLEAN_REACTION_COLUMNS",
    "CLEAN_TURN_COLUMNS",
    "LABEL_COLUMNS",
    "QUARANTINE_COLUMNS",
    "ReconciliationError",
    "clean_reactions",
    "clean_turns",
    "concat_quarantine",
    "empty_quarantine",
    "label_turns",
    "pseudonymise",
    "reaction_days_needed",
]
