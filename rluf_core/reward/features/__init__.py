"""What P[Love] reads, built the same way in training and in serving.

Modules by responsibility:
    text       the query text (context + prompt), the response, cheap text statistics
    writing    how well a response is written (misspelled share, prompt words reused, word length)
    embed      frozen-encoder embeddings: batched, mean-pooled, cached by text hash
    featurize  the feature matrix the head reads (embeddings, relevance, statistics, writing)
"""
