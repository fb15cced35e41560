"""The reaction-rate view of the inverted-rater model (rluf_core.adversarial.reaction_rate)."""

import numpy as np

from rluf_core.adversarial.reaction_rate import fit_rate_view, rate_llr


def _population(rng, n_ordinary, n_adv, rate_ordinary, rate_adv):
    served = rng.integers(5, 60, n_ordinary + n_adv)
    adv = np.r_[np.zeros(n_ordinary, bool), np.ones(n_adv, bool)]
    p = np.where(
        adv, rng.beta(4, 4 / rate_adv - 4, len(adv)), rng.beta(2, 2 / rate_ordinary - 2, len(adv))
    )
    k = rng.binomial(served, p)
    keep = k >= 1  # the model's population: users with rated reactions
    return k[keep], served[keep], adv[keep]


def test_rate_view_learns_which_class_reacts_more_from_soft_labels():
    rng = np.random.default_rng(0)
    k, served, adv = _population(rng, 4000, 200, rate_ordinary=0.05, rate_adv=0.3)
    post = np.where(adv, 0.9, 0.02)  # what the cell model would say
    view = fit_rate_view(k, served, post, np.ones(len(k), bool))
    ordinary, adversarial = view.mean_rates
    assert 0.03 < ordinary < 0.08 and 0.2 < adversarial < 0.4, view.mean_rates
    llr = rate_llr(view, k, served)
    assert np.median(llr[adv]) > 1.0 > 0 > np.median(llr[~adv])
    assert (rate_llr(view, np.zeros(3), np.full(3, 10)) == 0).all()  # no reactions, no evidence


def test_rate_view_is_silent_when_the_classes_react_alike_or_the_class_is_empty():
    rng = np.random.default_rng(1)
    k, served, adv = _population(rng, 4000, 200, rate_ordinary=0.1, rate_adv=0.1)
    view = fit_rate_view(k, served, np.where(adv, 0.9, 0.02), np.ones(len(k), bool))
    assert np.abs(rate_llr(view, k, served)).mean() < 0.2
    # a class of almost no weight is shrunk to the population: no user gets strong evidence from the rate alone
    k0, s0, _ = _population(rng, 4000, 0, rate_ordinary=0.1, rate_adv=0.1)
    post = np.full(len(k0), 1e-4)
    post[:3] = 0.99
    view0 = fit_rate_view(k0, s0, post, np.ones(len(k0), bool))
    assert np.abs(rate_llr(view0, k0, s0)).max() < 1.0
    assert fit_rate_view(k0[:5], s0[:5], post[:5], np.ones(5, bool)) is None  # too few users
