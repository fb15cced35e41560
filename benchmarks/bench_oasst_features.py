"""Does any further style statistic help P[Love] on real reactions? A screen on OASST `dev` only.

Each candidate statistic of the response (code blocks, links, paragraphs, Markdown, apologies, pronouns,
capitalisation, punctuation, prompt length, ...) and each text statistic the reward model does not use on
OASST is added, one at a time, to the features it does use there (length, conversation depth and the writing
features), in a standardised logistic regression; AUROC from 5-fold cross-validation grouped by conversation,
repeated with 10 shufflings of the conversations (2 with --quick). `test` is not read.

    .venv/bin/python -m benchmarks.run oasst_features
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rluf_core.reward.oasst import load_oasst
from rluf_core.reward.text import STAT_NAMES, context_depths, query_texts, text_stats
from rluf_core.reward.writing import WRITING_NAMES, writing_stats

CHOSEN = ["log_chars", "log_depth", *WRITING_NAMES]  # what rluf_core.reward.oasst's cross-validation chose
APOLOGY = r"(?i)\b(?:sorry|as an ai|i cannot|i can't|i am not able|language model)\b"


def _per_word(r: pd.Series, pattern: str) -> pd.Series:
    return r.str.count(pattern) / (1 + r.str.split().str.len())


def _candidates(r: pd.Series, prompt: pd.Series, stats: pd.DataFrame) -> pd.DataFrame:
    """Style statistics of each response that the reward model does not read."""
    sentences = r.str.strip().str.split(r"(?<=[.!?])\s+")
    return pd.DataFrame({
        "code_blocks": r.str.count("```"), "links": r.str.count(r"https?://"),
        "log_paragraphs": np.log1p(r.str.count("\n\n")), "markdown": r.str.count(r"(?m)^#+ |\*\*"),
        "apology": r.str.contains(APOLOGY).astype(float), "log_first_person": np.log1p(r.str.count(r"\bI\b")),
        "log_second_person": np.log1p(r.str.count(r"(?i)\byou\b")),
        "capitalised_sentences": sentences.apply(lambda s: np.mean([x[:1].isupper() for x in s if x]) if any(s) else 0.0),
        "ends_with_punctuation": r.str.strip().str[-1:].isin(list(".!?)\"'`")).astype(float),
        "upper_share": r.apply(lambda s: sum(c.isupper() for c in s) / max(1, sum(c.isalpha() for c in s))),
        "words_per_sentence": stats["log_words"] - np.log1p(stats["sentences"]),
        "log_chars_squared": stats["log_chars"] ** 2, "prompt_questions": prompt.str.count(r"\?"),
        "log_prompt_chars": np.log1p(prompt.str.len()), "response_to_prompt": stats["log_chars"] - np.log1p(prompt.str.len()),
        "non_ascii_share": r.apply(lambda s: sum(ord(c) > 127 for c in s) / max(1, len(s))),
        "commas_per_word": _per_word(r, ","), "parentheses_per_word": _per_word(r, r"\("),
        **{f"stat_{n}": stats[n] for n in STAT_NAMES if n not in CHOSEN},
    })


def _cv_auroc(x: pd.DataFrame, y: np.ndarray, groups: np.ndarray, reps: int) -> float:
    scores = []
    for rep in range(reps):  # GroupKFold is deterministic: shuffle which conversations fall together
        order = pd.Series(np.random.default_rng(rep).permutation(len(np.unique(groups))), index=np.unique(groups))
        for tr, te in GroupKFold(5).split(x, groups=order.loc[groups].to_numpy()):
            m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)).fit(x.iloc[tr], y[tr])
            scores.append(roc_auc_score(y[te], m.predict_proba(x.iloc[te])[:, 1]))
    return float(np.mean(scores))


def run(args: argparse.Namespace) -> dict:
    oasst = load_oasst()  # the shared loader: its clear error for a missing file or column
    dev = oasst[oasst["oasst_split"] == "dev"].reset_index(drop=True)
    r, prompt = dev["response"].fillna(""), dev["prompt"].fillna("")
    stats = pd.DataFrame(text_stats(r, query_texts(dev["context"], prompt), context_depths(dev["context"])),
                         columns=STAT_NAMES)
    chosen = pd.concat([stats, pd.DataFrame(writing_stats(r, prompt), columns=WRITING_NAMES)], axis=1)[CHOSEN]
    y, groups = dev["label"].to_numpy(), dev["conversation_id"].to_numpy()
    reps = 2 if getattr(args, "quick", False) else 10
    base = _cv_auroc(chosen, y, groups, reps)
    cand = _candidates(r, prompt, stats)
    rows = [{"added": "(none: the chosen features)", "cv_auroc": base, "delta": 0.0}]
    for name in cand.columns:
        auc = _cv_auroc(pd.concat([chosen, cand[[name]]], axis=1), y, groups, reps)
        rows.append({"added": name, "cv_auroc": auc, "delta": auc - base})
    rows[1:] = sorted(rows[1:], key=lambda row: -row["delta"])
    return {"dev_rows": len(dev), "repeats": reps, "folds": 5, "chosen": CHOSEN, "rows": rows,
            "best_delta": rows[1]["delta"]}


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import main as run_main

    return run_main(["oasst_features", *(argv or [])])


if __name__ == "__main__":
    raise SystemExit(main())
