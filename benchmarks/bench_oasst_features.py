"""Does any further style statistic help P[Love] on real reactions? A screen on OASST `dev` only.

Each candidate statistic of the response (code blocks, links, paragraphs, Markdown, apologies, pronouns,
capitalisation, punctuation, typos, ...) or of the conversation around it (prompt, root prompt, the previous
assistant turn), and each text statistic the reward model does not use on OASST, is added, one at a time, to the
features it does use there (length, conversation depth and the writing features), in a standardised logistic
regression; AUROC from 5-fold cross-validation grouped by conversation, repeated with 10 shufflings of the
conversations (2 with --quick). Then models of the response's own words and characters (TF-IDF n-grams, a
logistic regression) are stacked next to the chosen features, their scores out-of-fold within each training fold
(3 shufflings; skipped with --quick). `test` is not read.

    .venv/bin/python -m benchmarks.run oasst_features
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rluf_core.reward.features.text import (
    STAT_NAMES,
    context_depths,
    parse_context,
    query_texts,
    text_stats,
)
from rluf_core.reward.features.writing import (
    WRITING_NAMES,
    checked_words,
    speller,
    words_of,
    writing_stats,
)
from rluf_core.reward.oasst.study import load_oasst

CHOSEN = [
    "log_chars",
    "log_depth",
    *WRITING_NAMES,
]  # what rluf_core.reward.oasst's cross-validation chose
APOLOGY = r"(?i)\b(?:sorry|as an ai|i cannot|i can't|i am not able|language model)\b"
# (name, analyzer, n-gram range, C): the stacked text models
TEXT_MODELS = [
    ("word unigram", "word", (1, 1), 1.0),
    ("char_wb 2-4 gram", "char_wb", (2, 4), 1.0),
    ("char_wb 2-4 gram C=0.3", "char_wb", (2, 4), 0.3),
    ("char 1-3 gram C=0.3", "char", (1, 3), 0.3),
]


def _per_word(r: pd.Series, pattern: str) -> pd.Series:
    return r.str.count(pattern) / (1 + r.str.split().str.len())


def _log_typos_per_100(text: str) -> float:
    """Misspelled lower-case words that are one edit from a dictionary word (typos, not jargon), per hundred."""
    check = speller("en")
    lower = checked_words(words_of(text))
    typos = sum(
        w not in check.word_frequency and bool(check.known(check.edit_distance_1(w))) for w in lower
    )
    return float(np.log1p(100.0 * typos / max(len(lower), 1)))


def _conversation(context: pd.Series, r: pd.Series) -> pd.DataFrame:
    """Statistics of the conversation around each reply: its whole length, its root prompt, the last reply."""
    turns = context.apply(parse_context)
    previous = turns.apply(lambda t: len(t[-2].get("text", "")) if len(t) >= 2 else np.nan)
    return pd.DataFrame(
        {
            "log_context_chars": np.log1p(
                turns.apply(lambda t: sum(len(x.get("text", "")) for x in t))
            ),
            "log_root_prompt_chars": np.log1p(
                turns.apply(lambda t: len(t[0].get("text", "")) if t else 0)
            ),
            "log_previous_reply_chars": np.log1p(previous.fillna(0)),
            "reply_to_previous_reply": (np.log1p(r.str.len()) - np.log1p(previous)).fillna(0.0),
        }
    )


def _candidates(
    r: pd.Series, prompt: pd.Series, stats: pd.DataFrame, context: pd.Series
) -> pd.DataFrame:
    """Style statistics of each response, and of its conversation, that the reward model does not read."""
    sentences = r.str.strip().str.split(r"(?<=[.!?])\s+")
    return pd.DataFrame(
        {
            "code_blocks": r.str.count("```"),
            "links": r.str.count(r"https?://"),
            "log_paragraphs": np.log1p(r.str.count("\n\n")),
            "markdown": r.str.count(r"(?m)^#+ |\*\*"),
            "apology": r.str.contains(APOLOGY).astype(float),
            "log_first_person": np.log1p(r.str.count(r"\bI\b")),
            "log_second_person": np.log1p(r.str.count(r"(?i)\byou\b")),
            "capitalised_sentences": sentences.apply(
                lambda s: np.mean([x[:1].isupper() for x in s if x]) if any(s) else 0.0
            ),
            "ends_with_punctuation": r.str.strip().str[-1:].isin(list(".!?)\"'`")).astype(float),
            "upper_share": r.apply(
                lambda s: sum(c.isupper() for c in s) / max(1, sum(c.isalpha() for c in s))
            ),
            "words_per_sentence": stats["log_words"] - np.log1p(stats["sentences"]),
            "log_chars_squared": stats["log_chars"] ** 2,
            "prompt_questions": prompt.str.count(r"\?"),
            "log_prompt_chars": np.log1p(prompt.str.len()),
            "response_to_prompt": stats["log_chars"] - np.log1p(prompt.str.len()),
            "non_ascii_share": r.apply(lambda s: sum(ord(c) > 127 for c in s) / max(1, len(s))),
            "commas_per_word": _per_word(r, ","),
            "parentheses_per_word": _per_word(r, r"\("),
            "closes_with_question": r.str.strip().str.endswith("?").astype(float),
            "opens_with_assent": r.str.match(
                r"\s*(?:Sure|Certainly|Of course|Yes|Absolutely|Great)\b"
            ).astype(float),
            "distinct_word_share": r.apply(
                lambda s: len(set(s.lower().split())) / max(1, len(s.split()))
            ),
            "prompt_thanks": prompt.str.contains(r"(?i)\bthank").astype(float),
            "short_prompt": (prompt.str.len() < 40).astype(float),
            "log_typos_per_100": r.apply(_log_typos_per_100),
            **_conversation(context, r),
            **{f"stat_{n}": stats[n] for n in STAT_NAMES if n not in CHOSEN},
        }
    )


def _folds(groups: np.ndarray, reps: int):
    """5-fold splits grouped by conversation, once per shuffling of the conversations (GroupKFold is deterministic)."""
    names = np.unique(groups)
    for rep in range(reps):
        order = pd.Series(np.random.default_rng(rep).permutation(len(names)), index=names)
        yield from GroupKFold(5).split(groups, groups=order.loc[groups].to_numpy())


def _fit_score(x_fit: pd.DataFrame, y_fit: np.ndarray, x_score: pd.DataFrame) -> np.ndarray:
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)).fit(
        x_fit, y_fit
    )
    return model.predict_proba(x_score)[:, 1]


def _cv_auroc(x: pd.DataFrame, y: np.ndarray, groups: np.ndarray, reps: int) -> list[float]:
    """AUROC per held-out fold, folds in the same order for every candidate (so differences are paired)."""
    return [
        roc_auc_score(y[te], _fit_score(x.iloc[tr], y[tr], x.iloc[te]))
        for tr, te in _folds(groups, reps)
    ]


def _stacked_text_auroc(
    x: pd.DataFrame,
    texts: pd.Series,
    y: np.ndarray,
    groups: np.ndarray,
    reps: int,
    analyzer: str,
    ngrams: tuple[int, int],
    c: float,
) -> list[float]:
    """The chosen features plus an n-gram model's score, out-of-fold within each training fold."""

    def text_score(fit: np.ndarray, score: np.ndarray) -> np.ndarray:
        vec = TfidfVectorizer(
            analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, min_df=3, lowercase=False
        )
        model = LogisticRegression(C=c, max_iter=3000).fit(
            vec.fit_transform(texts.iloc[fit]), y[fit]
        )
        return model.decision_function(vec.transform(texts.iloc[score]))

    scores = []
    for tr, te in _folds(groups, reps):
        oof = np.zeros(len(tr))
        for inner_fit, inner_score in GroupKFold(5).split(tr, groups=groups[tr]):
            oof[inner_score] = text_score(tr[inner_fit], tr[inner_score])
        p = _fit_score(
            x.iloc[tr].assign(text=oof), y[tr], x.iloc[te].assign(text=text_score(tr, te))
        )
        scores.append(roc_auc_score(y[te], p))
    return scores


def _row(added: str, aucs: list[float], base: list[float]) -> dict:
    d = np.subtract(aucs, base[: len(aucs)])
    return {
        "added": added,
        "cv_auroc": float(np.mean(aucs)),
        "delta": float(d.mean()),
        "delta_se": float(d.std(ddof=1) / np.sqrt(len(d))),
    }


def run(args: argparse.Namespace) -> dict:
    oasst = load_oasst()  # the shared loader: its clear error for a missing file or column
    dev = oasst[oasst["oasst_split"] == "dev"].reset_index(drop=True)
    r, prompt = dev["response"].fillna(""), dev["prompt"].fillna("")
    stats = pd.DataFrame(
        text_stats(r, query_texts(dev["context"], prompt), context_depths(dev["context"])),
        columns=STAT_NAMES,
    )
    chosen = pd.concat(
        [stats, pd.DataFrame(writing_stats(r, prompt), columns=WRITING_NAMES)], axis=1
    )[CHOSEN]
    y, groups = dev["label"].to_numpy(), dev["conversation_id"].to_numpy()
    quick = getattr(args, "quick", False)
    reps = 2 if quick else 10
    base = _cv_auroc(chosen, y, groups, reps)
    cand = _candidates(r, prompt, stats, dev["context"])
    rows = [
        _row(name, _cv_auroc(pd.concat([chosen, cand[[name]]], axis=1), y, groups, reps), base)
        for name in cand.columns
    ]
    if (
        not quick
    ):  # each text model: 3 shufflings x 5 outer x 5 inner fits, against the first 15 folds of base
        rows += [
            _row(
                f"stacked {name} model (3 x 5 folds)",
                _stacked_text_auroc(chosen, r, y, groups, 3, analyzer, ngrams, c),
                base,
            )
            for name, analyzer, ngrams, c in TEXT_MODELS
        ]
    rows = [_row("(none: the chosen features)", base, base)] + sorted(
        rows, key=lambda row: -row["delta"]
    )
    return {
        "dev_rows": len(dev),
        "repeats": reps,
        "folds": 5,
        "chosen": CHOSEN,
        "rows": rows,
        "best_delta": rows[1]["delta"],
    }


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import main as run_main

    return run_main(["oasst_features", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
