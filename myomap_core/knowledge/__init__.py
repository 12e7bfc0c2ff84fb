"""The knowledge base: muscles, trigger points, referral zones, techniques and sources.

Load it with ``load_knowledge_base()``; it is parsed and cross-checked once, then cached.
"""

from myomap_core.knowledge.loader import (
    KnowledgeBase,
    ReferralEntry,
    RelatedMuscle,
    Relation,
    load_knowledge_base,
)

__all__ = ["KnowledgeBase", "ReferralEntry", "RelatedMuscle", "Relation", "load_knowledge_base"]
