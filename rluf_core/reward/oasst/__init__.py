"""The OASST study: P[Love] on real reactions (OpenAssistant replies with thumbs up).

Run it with ``python -m rluf_core.reward.oasst [--out DIR] [--mlflow]``.

Modules by responsibility:
    study      load the replies, cross-validate the candidates on dev, report the chosen one on test
    reference  the crowd's own judgement of each reply: a reference that is not a text model
    report     the study's Markdown, JSON and plots, and the same as an MLflow run
"""
