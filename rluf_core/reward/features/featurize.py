"""What the head reads, built the same way in training and in serving (PLoveScorer):

- embeddings: the response r and the query q (context + prompt), and r * q (their interaction);
- relevance: how each response sentence relates to the prompt (cosine of sentence vs prompt: mean,
  max, min, spread, and the shares above 0.3 and 0.5), the signal of on-topic vs off-topic substance;
  with relevance_counts also how many sentences are on the prompt and similarities to the whole query;
- text statistics: length, sentences, emoji, hearts, sign-offs, warmth, lists, conversation depth...
  (``text_stats``: a subset of them);
- with writing_features, how well it is written: misspelled share, prompt words reused, word length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rluf_core.reward.features.embed import TextEncoder
from rluf_core.reward.features.text import (
    STAT_NAMES,
    as_texts,
    context_depths,
    query_texts,
    text_stats,
)
from rluf_core.reward.features.writing import writing_stats

RELEVANCE_NAMES = (
    "sim_mean",
    "sim_max",
    "sim_min",
    "sim_std",
    "share_sim_gt_0.3",
    "share_sim_gt_0.5",
)


COUNT_NAMES = (
    "sentences",
    "n_sim_gt_0.2",
    "n_sim_gt_0.3",
    "n_sim_gt_0.4",
    "n_sim_gt_0.5",
    "sim_sum",
    "simq_mean",
    "simq_max",
    "n_simq_gt_0.3",
    "share_simq_gt_0.3",
    "sim_top2",
    "sim_median",
    "log_sentences",
    "log_n_sim_gt_0.2",
    "log_n_sim_gt_0.3",
    "log_n_sim_gt_0.4",
    "log_n_sim_gt_0.5",
)


def relevance(
    sentences: list[np.ndarray], prompt_vecs: np.ndarray, query_vecs: np.ndarray | None = None
) -> np.ndarray:
    """Per response: RELEVANCE_NAMES, and with query_vecs also COUNT_NAMES (how many sentences are on the
    prompt, not only their share: substance adds up; similarity to the whole query incl. context)."""
    k = len(RELEVANCE_NAMES) + (0 if query_vecs is None else len(COUNT_NAMES))
    out = np.zeros((len(sentences), k), np.float32)
    for i, (s, p) in enumerate(zip(sentences, prompt_vecs)):
        sim = s @ p
        row = [sim.mean(), sim.max(), sim.min(), sim.std(), (sim > 0.3).mean(), (sim > 0.5).mean()]
        if query_vecs is not None:
            simq = s @ query_vecs[i]
            counts = [
                len(s),
                (sim > 0.2).sum(),
                (sim > 0.3).sum(),
                (sim > 0.4).sum(),
                (sim > 0.5).sum(),
            ]
            row += (
                counts
                + [
                    sim.sum(),
                    simq.mean(),
                    simq.max(),
                    (simq > 0.3).sum(),
                    (simq > 0.3).mean(),
                    np.sort(sim)[-2:].mean(),
                    np.median(sim),
                ]
                + list(np.log1p(counts))
            )
        out[i] = row
    return out


def featurize(
    encoder: TextEncoder,
    contexts: Sequence,
    prompts: Sequence[str],
    responses: Sequence[str],
    opts: Mapping,
    desc: str = "",
) -> np.ndarray:
    """(n, d) float32 features. `opts` holds embedding_features, relevance_features, text_features,
    text_stats, writing_features, spelling_language, context_turns (a RewardModelConfig dump or a saved scorer's meta)."""
    prompts, responses = as_texts(prompts), as_texts(responses)
    queries = query_texts(contexts, prompts, opts.get("context_turns", 2))
    parts = []
    use_emb, use_rel = opts.get("embedding_features", True), opts.get("relevance_features", True)
    if use_emb or use_rel:
        r, r_sents = encoder.encode(
            responses, desc=f"embed {desc} responses".strip(), return_sentences=True
        )
    counts = use_rel and opts.get("relevance_counts", False)
    if use_emb or counts:
        q = encoder.encode(queries, desc=f"embed {desc} queries".strip())
    if use_emb:
        parts += [r, q, r * q]
    if use_rel:
        p = encoder.encode(prompts, desc=f"embed {desc} prompts".strip())
        parts.append(relevance(r_sents, p, q if counts else None))
    if opts.get("text_features", True):
        stats = text_stats(responses, queries, context_depths(contexts))
        keep = opts.get("text_stats")
        parts.append(stats if keep is None else stats[:, [STAT_NAMES.index(n) for n in keep]])
    if opts.get("writing_features", False):
        parts.append(writing_stats(responses, prompts, opts.get("spelling_language", "en")))
    if not parts:
        raise ValueError(
            "reward_model: embedding_features, relevance_features, text_features and writing_features "
            "are all off"
        )
    return np.concatenate(parts, axis=1).astype(np.float32)
