"""Training P[Love] from a feedback dataset.

Modules by responsibility:
    train      train_reward_model: the named steps from a feedback dataset to a calibrated scorer
    rows       the feedback frame checked, its fingerprint, the rebalanced and capped splits
    fit        the model fitted on the training rows: encoder + head, or fine-tuning; the wide mix
    sampling   class imbalance: positives brought to a target share, and the prior shift it makes
    loop       the checkpointed training loop shared by the head and fine-tuning
    synthetic  a small synthetic feedback dataset with known P(love), for tests and quick checks
"""
