"""The policy: the model that writes the replies, and how it is trained against P[Love].

Modules by responsibility:
    generation  the Policy protocol (generate replies for prompts) and loading a saved policy
    prompts     held-out prompt sets taken by time from clean_turns
"""
