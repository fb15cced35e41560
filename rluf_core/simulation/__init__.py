"""The traffic simulator: seeded production traffic in the landing-zone format, with ground truth.

Modules by responsibility:
    lexicon     phrase banks and lexicons, a data module per kind (prompts, substance, keywords,
                phrases: deflection, warmth, bait, unsafe)
    textscore   features of ANY text, true helpfulness and safety judges
    love        the users' love model (user-level and panel-level P(love))
    population  the accounts: kinds, activity, habits, tastes; the population's P(love) of any text
    policy      the production policy that wrote the responses
    traffic     one day of turns (conversations, prompts, responses, contexts)
    reactions   one day's reaction events (latency, toggles, retries, late arrival, adversaries)
    labels      the true love label per docs/design.md
    writer      landing and ground-truth tables, byte-stable Parquet
    runner      simulate(): days into the lake and the ground truth
"""

from rluf_core.simulation.labels import loved_labels
from rluf_core.simulation.love import (
    LOVE_FEATURES,
    adversary_love_prob,
    love_matrix,
    love_prob,
    panel_love_prob,
)
from rluf_core.simulation.population import (
    Population,
    adversary_counts,
    default_population,
    make_population,
    population_love_prob,
)
from rluf_core.simulation.runner import default_days, simulate, simulate_day, users_table
from rluf_core.simulation.textscore import (
    FEATURE_COLUMNS,
    infer_topics,
    is_unsafe,
    text_features,
    true_helpfulness,
)

__all__ = [
    "FEATURE_COLUMNS",
    "LOVE_FEATURES",
    "Population",
    "adversary_counts",
    "adversary_love_prob",
    "default_days",
    "default_population",
    "infer_topics",
    "is_unsafe",
    "love_matrix",
    "love_prob",
    "loved_labels",
    "make_population",
    "panel_love_prob",
    "population_love_prob",
    "simulate",
    "simulate_day",
    "text_features",
    "true_helpfulness",
    "users_table",
]
