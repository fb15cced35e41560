"""Offline evaluation of policies: the simulator's users as judges, hacking detectors, the A/B test.

Modules by responsibility:
    simulated_users  the simulator's ground truth judging any reply (evaluation only, never a reward)
"""
