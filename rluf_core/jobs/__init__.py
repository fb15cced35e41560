"""Entry points of the separate-process jobs: `python -m rluf_core.jobs.<name>`."""
