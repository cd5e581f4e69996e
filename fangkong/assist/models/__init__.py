from fangkong.assist.models.arrivals import AreaLevel, ArrivalReport, RiskArea, RiskAreaQuerySet
from fangkong.assist.models.requests import (
    AssistRequest,
    AssistRequestQuerySet,
    AssistRow,
    CounterpartKind,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
    RowMatch,
)
from fangkong.assist.models.tasks import TaskStatus, VerificationTask, VerificationTaskQuerySet

__all__ = [
    "AreaLevel",
    "ArrivalReport",
    "AssistRequest",
    "AssistRequestQuerySet",
    "AssistRow",
    "CounterpartKind",
    "Direction",
    "Outcome",
    "RequestCategory",
    "RequestStatus",
    "RiskArea",
    "RiskAreaQuerySet",
    "RowMatch",
    "TaskStatus",
    "VerificationTask",
    "VerificationTaskQuerySet",
]
