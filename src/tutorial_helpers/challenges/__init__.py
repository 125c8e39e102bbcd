"""The challenges of multi-agent recommenders, each measured, mitigated and measured again (notebook 16).

* :mod:`.hallucination`: invented items and attributes as the stand-in's error rate rises, raw vs guarded;
* :mod:`.propagation`: an error injected at one stage of the pipeline, how far it travels, with and
  without validation between stages;
* :mod:`.injection`: a catalog poisoned through its descriptions (Poison-RAG style) and the defences;
* :mod:`.scaling`: messages, tokens and latency by team size and topology; throughput under concurrency;
* :mod:`.fairness`: exposure across vendors, price bands and cities, popularity bias, a fairness re-ranker;
* :mod:`.privacy`: personal data in prompts, logs and memory, redaction, deletion, over-asking, sycophancy.
"""
