"""How well a response is written, in three cheap numbers (the reward model's ``writing_features``):

- spelling: log(1 + misspelled words per hundred) over the response's lower-case words (3+ letters) that a
  spell checker's dictionary does not know (pyspellchecker's word-frequency list for ``language``; capitalised
  words are left out, as names and acronyms are not misspellings). On the log scale because the share is
  mostly zero with a long tail: the step from none to one typo in a hundred words says more than from five
  to six (OASST dev, the same CV: 0.646 -> 0.652 against the plain share, +0.005 +- 0.001 paired over 100 folds);
- prompt_overlap: the share of the prompt's distinct words that the response uses again (does it
  answer what was asked, in its terms);
- mean_word_length: letters per word, a plain proxy of vocabulary and register.

On real reactions (OpenAssistant thumbs up, 5-fold CV grouped by conversation on `dev`, repeated 10 times, a
logistic regression) each adds to length and conversation depth alone (0.626 -> 0.633 with the plain misspelled
share, 0.638 with prompt overlap, 0.631 with word length); the three together 0.646 with the plain share, 0.652 with
spelling on the log scale (the same 0.646 -> 0.652 in rluf_core.reward.oasst's own training code, 3 x 5 folds).

A saved scorer records WRITING_NAMES; one trained on another definition of these features is refused at load.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

WRITING_NAMES = ("log_misspelled_per_100", "prompt_overlap", "mean_word_length")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=4)
def speller(language: str):
    """pyspellchecker's checker for ``language`` (its word-frequency list is the dictionary), built once."""
    from spellchecker import SpellChecker

    try:
        return SpellChecker(language=language, distance=1)
    except ValueError as err:
        raise ValueError(f"reward_model.spelling_language: {err}") from None


def checked_words(words: Sequence[str]) -> list[str]:
    """The words whose spelling is judged: lower-case, 3+ letters (capitalised ones are names and acronyms)."""
    return [w for w in words if len(w) > 2 and w.islower()]


def words_of(text: str) -> list[str]:
    """The runs of letters in ``text`` (digits and underscores split words)."""
    return _WORD.findall(text if isinstance(text, str) else "")


def writing_stats(
    responses: Sequence[str], prompts: Sequence[str], language: str = "en"
) -> np.ndarray:
    """(n, len(WRITING_NAMES)) float32 over responses and the prompts they answer."""
    if len(responses) != len(prompts):
        raise ValueError(
            f"responses ({len(responses)}) and prompts ({len(prompts)}) differ in length"
        )
    known = speller(language).word_frequency
    out = np.zeros((len(responses), len(WRITING_NAMES)), dtype=np.float32)
    for i, (r, p) in enumerate(zip(responses, prompts)):
        words = words_of(r)
        lower = checked_words(words)
        asked = {w.lower() for w in words_of(p)}
        used = {w.lower() for w in words}
        out[i] = (
            np.log1p(100.0 * sum(w not in known for w in lower) / max(len(lower), 1)),
            len(asked & used) / max(len(asked), 1),
            float(np.mean([len(w) for w in words])) if words else 0.0,
        )
    return out
