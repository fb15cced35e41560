"""The de-adversarialised, weighted, time-split training set built from labelled turns."""

from rluf_core.feedback.builder import COLUMNS, DATASET, build_feedback_dataset, time_split

__all__ = ["COLUMNS", "DATASET", "build_feedback_dataset", "time_split"]
