"""How good P[Love] is: metrics, plots, p_love_report, and robustness to adversarial feedback.

Modules by responsibility:
    metrics     AUROC, PR-AUC, ECE, Brier, log loss, bootstrap intervals, baselines
    plots       reliability diagram and ROC curve as PNG bytes
    report      the model's test metrics next to its baselines and the ceiling, as Markdown
    evaluation  p_love_report from what the training job left in the lake (and MLflow)
    robustness  P[Love] trained on attacked feedback, with and without the adversarial filter
"""
