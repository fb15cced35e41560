"""A content-quality signal built without ground truth.

The population's positive reactions are the only evidence of quality rluf has. A text model
(hashed word n-grams of the response, each response's counts normalised to sum to one so that the
model scores the density of good or bad words rather than their amount (``word_norm``), plus words crossed
with the content kind so that "on topic" can be learnt; L2 logistic regression) learns P(positive | response) from the labelled turns of the
last days, each user's total weight capped so that a few prolific accounts (bots, brigades, trolls)
cannot steer it, and each row weighted by how far its user is trusted (the previous day's
reputation: flagged accounts out, the others by 1 - their inverted-rater posterior). Its logit, standardised within each content kind (topic), says
how much better or worse than usual the population finds a response (``quality_z``): a reaction on a turn with
z > 0 agrees with the crowd, one on z < 0 disagrees.
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import pandas as pd
from scipy.sparse import hstack
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from rluf_core.adversarial.feature_cache import HashedRows, RowCache, content_keys
from rluf_core.config import RlufConfig
from rluf_core.config.adversarial import QualitySignalConfig
from rluf_core.hashed_text import MAX_CHARS, word_hasher

log = logging.getLogger(__name__)

QUALITY_SAMPLE_DATASET = "quality_fit_sample"


def quality_fit_sample(labeled: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    """One day's labelled turns for later days' quality fits: every positive and a seeded sample of the
    negatives up to max_rows in all, with ``fit_weight`` undoing the negatives' sampling."""
    lab = labeled[labeled["label"].notna()]
    pos, neg = lab[lab["label"].astype(int) == 1], lab[lab["label"].astype(int) == 0]
    k = min(len(neg), max(max_rows - len(pos), 0))
    negs = neg.sample(n=k, random_state=seed % 2**31) if k < len(neg) else neg
    w = len(neg) / max(k, 1)
    return pd.concat([pos.assign(fit_weight=1.0), negs.assign(fit_weight=w)], ignore_index=True)


def _texts(df: pd.DataFrame) -> pd.Series:
    return df["response"].fillna("").astype(str).str.slice(0, MAX_CHARS)


def _distinct_rows(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the index of its distinct combination of the columns' values, and the first row holding each."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniq = pd.factorize(col, use_na_sentinel=False)
        combined = combined * max(len(uniq), 1) + codes
    codes, _ = pd.factorize(combined)
    first = np.empty(codes.max() + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return codes, first


def _hash_distinct(
    vec: HashingVectorizer,
    rows: pd.Series | pd.DataFrame,
    keys: list[pd.Series],
    texts_of=None,
    cache: RowCache | None = None,
):
    """vec.transform(texts_of(rows)) (rows themselves by default), the text of each distinct combination of the keys
    built and hashed once, then one feature row per input row (a row depends on its text alone): served replies
    repeat (templates, boilerplate). ``cache``: rows already hashed, by content key (feature_cache);
    the rows it lacks are hashed and added, so that the fit window's days are not hashed again."""
    if cache is not None:
        k = content_keys(keys, _settings(vec))
        missing = np.flatnonzero(~cache.has(k))
        if len(missing):
            sub = [c.iloc[missing] for c in keys]
            cache.add(k[missing], _hash_distinct(vec, rows.iloc[missing], sub, texts_of))
        return cache.rows(k)
    texts_of = texts_of or (lambda r: r)
    codes, first = _distinct_rows(*keys)
    if len(first) == len(codes):  # all distinct: nothing to share
        return vec.transform(texts_of(rows))
    return vec.transform(texts_of(rows.iloc[first]))[codes]


def _settings(vec: HashingVectorizer) -> str:
    """What a hashed row depends on besides its text: the vectoriser's settings (a key's salt)."""
    return f"{MAX_CHARS}:" + repr(sorted((k, repr(v)) for k, v in vec.get_params().items()))


def _kind_vectorizer(cfg: QualitySignalConfig) -> HashingVectorizer:
    return HashingVectorizer(
        n_features=cfg.n_features,
        alternate_sign=False,
        norm="l2",
        token_pattern=r"\S+",
        lowercase=False,
    )


def _kind_crossed(df: pd.DataFrame) -> list[str]:
    """Each word of the response prefixed with the row's content kind (topic): 'coding|loop'."""
    kind = df["topic"].fillna("").astype(str).str.replace(r"\s+", "_", regex=True).to_numpy()
    words = _texts(df).str.lower().str.findall(r"(?u)\b\w+\b")
    return [" ".join(f"{k}|{w}" for w in ws) for k, ws in zip(kind, words)]


class QualityModel:
    """P(positive | response text) fitted on the population, or a constant when there is no signal."""

    def __init__(self, cfg: QualitySignalConfig, seed: int = 0, cache: HashedRows | None = None):
        self.cfg = cfg
        self.cache = cache  # hashed rows by content (feature_cache): the same features, hashed once
        self.seed = seed
        self.vec = word_hasher(cfg.n_features, norm=cfg.word_norm)
        self.kind_vec = _kind_vectorizer(cfg)
        self.clf: LogisticRegression | None = None
        self.n_fit = 0

    def hash_words(self, turns: pd.DataFrame):
        """The turns' hashed response words (the ``plain`` part of the features; also what texts cluster on)."""
        texts = _texts(turns)
        return _hash_distinct(self.vec, texts, [texts], cache=self._part("plain"))

    def transform(self, turns: pd.DataFrame, plain=None):
        """Features of the turns; ``plain``: their hashed response words when already computed."""
        texts = _texts(turns)
        if plain is None:
            plain = _hash_distinct(self.vec, texts, [texts], cache=self._part("plain"))
        X = plain
        if self.cfg.kind_features and "topic" in turns.columns:
            kind = turns["topic"].fillna("").astype(str)
            crossed = _hash_distinct(
                self.kind_vec, turns, [texts, kind], _kind_crossed, cache=self._part("kind")
            )
            X = hstack([X, crossed], format="csr")
        return X

    def _part(self, name: str) -> RowCache | None:
        return None if self.cache is None else self.cache[name]

    def fit(
        self, turns: pd.DataFrame, label: pd.Series, trust: pd.Series | None = None
    ) -> QualityModel:
        """Fit on turns (needs response, user_id) with a 0/1 label; per-user weight capped; ``trust``
        (0..1 per row, default 1) and an optional ``fit_weight`` column multiply each row's weight."""
        label = label.astype(int).to_numpy()
        trust_w = (
            np.ones(len(label))
            if trust is None
            else np.clip(np.asarray(trust, dtype=float), 0.0, 1.0)
        )
        if "fit_weight" in turns.columns:  # rows standing for several (sampled days' negatives)
            trust_w = trust_w * turns["fit_weight"].fillna(1.0).to_numpy(dtype=float)
        rng = np.random.default_rng(self.seed)
        pos = np.flatnonzero(label == 1)
        neg = np.flatnonzero(label == 0)
        if len(pos) < 5 or len(neg) < 5:
            log.warning(
                "quality signal: %d positive / %d negative turns, too few to fit; constant",
                len(pos),
                len(neg),
            )
            return self
        n_neg = min(len(neg), max(self.cfg.max_rows - len(pos), len(pos)))
        idx = np.sort(np.concatenate([pos, rng.choice(neg, size=n_neg, replace=False)]))
        sub = turns.iloc[idx]
        y = label[idx]
        keep = trust_w[idx] > 0
        sub, y, idx = sub[keep], y[keep], idx[keep]
        if (y == 1).sum() < 5 or (y == 0).sum() < 5:
            log.warning("quality signal: too few trusted rows to fit; constant")
            return self
        # Each user's total weight is at most user_weight_cap (per class, so the prior stays put).
        w = np.ones(len(sub))
        users = sub["user_id"].astype(str).to_numpy()
        for cls in (0, 1):
            m = y == cls
            counts = pd.Series(users[m]).map(pd.Series(users[m]).value_counts()).to_numpy()
            w[m] = np.minimum(1.0, self.cfg.user_weight_cap / counts)
        w[y == 0] *= len(neg) / n_neg  # undo the negative subsampling
        w *= trust_w[idx]
        X = self.transform(sub)
        # L2 strength alpha per (weighted) row, as SGD's alpha: C = 1 / (alpha * total weight)
        self.clf = LogisticRegression(
            C=1.0 / (self.cfg.alpha * w.sum()), max_iter=300, random_state=self.seed
        )
        self.clf.fit(X, y, sample_weight=w)
        self.n_fit = len(sub)
        return self

    def logit(self, turns: pd.DataFrame, plain=None) -> np.ndarray:
        if self.clf is None or len(turns) == 0:
            return np.zeros(len(turns))
        return self.clf.decision_function(self.transform(turns, plain))


def quality_z(
    day: str,
    turns: pd.DataFrame,
    reactions: pd.DataFrame,
    cfg: RlufConfig,
    user_trust: pd.Series | None = None,
    cache: HashedRows | None = None,
) -> pd.DataFrame:
    """Quality z (and text cluster) per turn_id, for the turns the day's reactions touch: the text model's
    logit, standardised (median / MAD) per content kind on a reference sample of the day's served turns.
    ``turns`` needs a ``_day`` column (the day's own turns equal ``day``) and, to fit on labels, ``label``.

    ``user_trust``: weight (0..1) per user_id of their labels in the text model's fit (default 1).
    ``cache``: hashed rows by content (feature_cache.HashedRows), reused and filled; the same z
    either way."""
    acfg = cfg.adversarial
    key = "topic" if "topic" in turns.columns else None
    today = turns[turns["_day"] == day]
    if "label" in turns.columns:  # labelled turns of the day and of the fit days before it
        train = turns[turns["label"].notna()]
        label = train["label"].astype(int)
    else:
        pos = reactions[
            (reactions["reaction"] == cfg.labels.positive_reaction)
            & (reactions["action"] == "add")
            & reactions["is_receiving_user"].astype(bool)
        ]
        train, label = today, today["turn_id"].isin(pos["turn_id"]).astype(int)
    seed = cfg.seed + int(day.replace("-", ""))
    trust = train["user_id"].map(user_trust) if user_trust is not None and len(user_trust) else None
    model = QualityModel(acfg.quality, seed=seed, cache=cache)
    model.fit(train, label, None if trust is None else trust.fillna(1.0))
    touched = turns[turns["turn_id"].isin(reactions["turn_id"])]
    ref = (
        today.sample(n=min(len(today), acfg.quality.reference_rows), random_state=seed % 2**31)
        if len(today)
        else today
    )
    both = pd.concat([ref.assign(_ref=True), touched.assign(_ref=False)], ignore_index=True)
    X = model.hash_words(both)  # hashed once: logit, clusters
    logit = model.logit(both, plain=X)
    # standardise with the reference sample's distribution per content kind
    z_ref = pd.Series(logit[both["_ref"].to_numpy()], dtype=float)
    grp_ref = (
        both.loc[both["_ref"], key].fillna("").astype(str).to_numpy()
        if key
        else np.zeros(len(z_ref), str)
    )
    med = z_ref.groupby(grp_ref).median()
    mad = (z_ref - z_ref.groupby(grp_ref).transform("median")).abs().groupby(
        grp_ref
    ).median() * 1.4826
    gmed = float(z_ref.median()) if len(z_ref) else 0.0
    gmad = float((z_ref - gmed).abs().median() * 1.4826) if len(z_ref) else 1.0
    gmad = gmad if gmad > 1e-9 else 1.0
    t = both[~both["_ref"]].reset_index(drop=True)
    grp = t[key].fillna("").astype(str) if key else pd.Series("", index=t.index)
    m = grp.map(med).fillna(gmed).to_numpy()
    s = grp.map(mad).fillna(gmad).to_numpy()
    s = np.where(s > 1e-9, s, gmad)
    z = np.clip((logit[~both["_ref"].to_numpy()] - m) / s, -5, 5)
    clusters = text_clusters(
        X[np.flatnonzero(~both["_ref"].to_numpy())],
        cfg,
        seed,
        t["turn_id"].astype(str).to_numpy(),
        None if cache is None else cache.clusters,
    )
    out = pd.DataFrame({"z": z, "cluster": clusters}, index=t["turn_id"].to_numpy())
    return out[~out.index.duplicated()]


def text_clusters(
    X, cfg: RlufConfig, seed: int, keys: np.ndarray | None = None, memo: dict | None = None
) -> np.ndarray:
    """Text clusters of the reacted turns (a content kind that needs no topic column). Fitted on the rows
    in the order of `keys` (turn ids), so that the clusters do not depend on the order rows arrive in.
    ``memo``: clusters by a digest of everything the fit reads (rows, keys, settings, seed), reused
    and filled: a day relabelled later has the same reacted turns, so the same fit."""
    k = cfg.adversarial.brigade.n_clusters
    if "cluster" not in cfg.adversarial.brigade.content_keys or X.shape[0] < 2 * k:
        return np.zeros(X.shape[0], dtype=np.int64)
    order = np.argsort(keys, kind="stable") if keys is not None else np.arange(X.shape[0])
    # the fit reads the rows in key order, and a sparse row's nearest centre depends on that row
    # alone: a day's reacted turns in another order (a relabelled sample) cluster the same
    digest = None
    if memo is not None:
        digest = _fit_digest(X[order], None if keys is None else keys[order], k, seed)
    if memo is not None and digest is not None and digest in memo:
        labels = np.empty(X.shape[0], dtype=np.int64)
        labels[order] = memo[digest]
        return labels
    Xn = normalize(X)  # unit length whatever the quality model's norm
    km = MiniBatchKMeans(n_clusters=k, random_state=seed % 2**31, n_init=3, batch_size=4096).fit(
        Xn[order]
    )
    labels = km.predict(Xn).astype(np.int64)
    if memo is not None and digest is not None:
        memo[digest] = labels[order]
    return labels


def _fit_digest(X, keys: np.ndarray | None, k: int, seed: int) -> str:
    X = X.tocsr()
    h = hashlib.sha1(f"{X.shape}:{k}:{seed}:4096:3".encode())
    for a in (X.indptr, X.indices, X.data):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update("\x00".join(map(str, keys)).encode() if keys is not None else b"-")
    return h.hexdigest()
