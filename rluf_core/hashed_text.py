"""Hashed word features of free text, shared by the quality signal (adversarial) and P[Love]'s wide part.

A HashingVectorizer needs no vocabulary: the same settings give the same columns on any machine and
day, so a fitted linear model over them is just its coefficients and these settings.
"""

from __future__ import annotations

from collections.abc import Iterable

from sklearn.feature_extraction.text import HashingVectorizer

MAX_CHARS = (
    4000  # longer texts are cut: the words that matter come first, and hashing cost stays bounded
)


def word_hasher(n_features: int, norm: str = "l2") -> HashingVectorizer:
    """Word unigrams and bigrams (punctuation marks count as words), non-negative, each text's vector
    normalised by ``norm``: "l2" (unit length) or "l1" (counts sum to 1: a linear model over them scores the
    mean weight of a text's words, its density of good or bad words, not their amount)."""
    return HashingVectorizer(
        n_features=n_features,
        ngram_range=(1, 2),
        alternate_sign=False,
        norm=norm,
        token_pattern=r"(?u)\b\w+\b|[^\w\s]",
    )


def clip_texts(values: Iterable, max_chars: int = MAX_CHARS) -> list[str]:
    """Texts as strings (None -> ''), cut to max_chars."""
    return [("" if v is None or v != v else str(v))[:max_chars] for v in values]
