"""Offline evaluation of policies: the simulator's users as judges, hacking detectors, the A/B test.

Modules by responsibility:
    simulated_users  the simulator's ground truth judging any reply (evaluation only, never a reward)
    detectors        reward-hacking detectors over replies (a configurable bait lexicon)
    offline          offline_eval_report's numbers: arms on the fixed prompts, detectors, divergence
    offline_render   its Markdown tables and plots
    online           the simulator's users online: fresh traffic and their reactions to any replies
    ab_test          the simulated A/B test: lift with a bootstrap interval by user, per topic
    correlation      offline mean P[Love] against online love rate across policy variants
    sweep            the paper's weight table (gates passed in by the promotion package)
    results          docs/results.md, generated from the offline report
    sim_policy       the simulator's production policy as a Policy (baseline arm, test double)
    report           a report (metrics, Markdown, images) published to the lake and MLflow
    pipeline         what the Dagster assets run (fixed prompt set, Inputs, both reports)
    plots            PNG plots
"""
