"""AI-inference storage what-ifs: KV-cache tiers, weight streaming, small-block IOPS.

Modules: :mod:`~linkmodel.ai.models` (an LLM's geometry as a ``Model``, KV
bytes per token, storage formats), :mod:`~linkmodel.ai.kvtier` (a prefix-cache tier's demand:
bandwidth, I/O size, IOPS, capacity, writes per day; Mooncake's
load-vs-recompute break-even), :mod:`~linkmodel.ai.weights` (cold start and
MoE expert streaming), :mod:`~linkmodel.studies.ai_drives` (how many drives of each
part meet a demand, and which constraint binds) and
:mod:`~linkmodel.studies.ai_smallblock` (GPU-initiated small-block IOPS of a drive
design and what would close a target). The functions here take ``Model``
objects; :func:`linkmodel.parts.model` reads one from the bundled catalogue
(``data/ai/models.toml``). Sources: ai_workloads.md.
"""

from linkmodel.ai import kvtier, models, weights

__all__ = ["kvtier", "models", "weights"]
