"""The venues area's models, one module per topic; import them from here."""

from fangkong.venues.models.campaigns import Campaign, CampaignStatus, CampaignTarget, CampaignTeam
from fangkong.venues.models.checkins import CheckIn, CheckInQuerySet, CheckInSource
from fangkong.venues.models.inspections import (
    CHECKLIST,
    RESTRICTIONS,
    EnforcementAction,
    EnforcementActionQuerySet,
    EnforcementKind,
    Inspection,
    InspectionPhoto,
    InspectionPurpose,
    Verdict,
)
from fangkong.venues.models.venues import (
    CapacityTier,
    RoomKind,
    Venue,
    VenueCategory,
    VenueQuerySet,
    VenueRoom,
    VenueStatus,
    capacity_limit,
    new_venue_code,
)
from fangkong.venues.models.visitors import (
    UnverifiedCheckIn,
    VisitorPass,
    VisitorPassQuerySet,
    pass_digest,
)

__all__ = [
    "CHECKLIST",
    "RESTRICTIONS",
    "Campaign",
    "CampaignStatus",
    "CampaignTarget",
    "CampaignTeam",
    "CapacityTier",
    "CheckIn",
    "CheckInQuerySet",
    "CheckInSource",
    "EnforcementAction",
    "EnforcementActionQuerySet",
    "EnforcementKind",
    "Inspection",
    "InspectionPhoto",
    "InspectionPurpose",
    "RoomKind",
    "UnverifiedCheckIn",
    "Venue",
    "VenueCategory",
    "VenueQuerySet",
    "VenueRoom",
    "VenueStatus",
    "Verdict",
    "VisitorPass",
    "VisitorPassQuerySet",
    "capacity_limit",
    "new_venue_code",
    "pass_digest",
]
