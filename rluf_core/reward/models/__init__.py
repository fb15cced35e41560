"""The parts of P[Love]: the encoder, the trained head, the wide model and the calibration.

Modules by responsibility:
    backbone     encoders and tokenisers from config ('minilm', 'tiny', a path or a hub id)
    head         the trained head over frozen-encoder features (an ensemble of logistic or MLP heads)
    wide         a sparse linear model over hashed words, mixed with the head's logit
    finetune     tokenised (query, response) pairs for end-to-end fine-tuning
    calibration  the prior-shift correction and temperature (or isotonic) scaling
    integrity    checksums of a saved model folder
"""
