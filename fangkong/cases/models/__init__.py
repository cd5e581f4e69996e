"""The tracing area's tables: cases and their investigations, contacts, trace runs and the
requests that queue them, merges."""

from fangkong.cases.models.cases import (
    INFECTED,
    Case,
    CaseClassification,
    CaseQuerySet,
    ClassificationChange,
    Investigation,
    ItineraryEntry,
)
from fangkong.cases.models.contacts import (
    AWAITING_CONTROL,
    CONFIRMED,
    OPEN,
    Contact,
    ContactCategory,
    ContactDegree,
    ContactQuerySet,
    ContactSource,
    ContactStatus,
    TraceRun,
    TraceTrigger,
)
from fangkong.cases.models.merges import MergeMatch, PersonMerge
from fangkong.cases.models.trace_requests import (
    TraceRequest,
    TraceRequestQuerySet,
    TraceRequestStatus,
)

__all__ = [
    "AWAITING_CONTROL",
    "CONFIRMED",
    "INFECTED",
    "OPEN",
    "Case",
    "CaseClassification",
    "CaseQuerySet",
    "ClassificationChange",
    "Contact",
    "ContactCategory",
    "ContactDegree",
    "ContactQuerySet",
    "ContactSource",
    "ContactStatus",
    "Investigation",
    "ItineraryEntry",
    "MergeMatch",
    "PersonMerge",
    "TraceRequest",
    "TraceRequestQuerySet",
    "TraceRequestStatus",
    "TraceRun",
    "TraceTrigger",
]
