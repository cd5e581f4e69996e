from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from fangkong.cases.models import (
    Case,
    CaseClassification,
    Contact,
    ContactCategory,
    ContactDegree,
    Investigation,
    ItineraryEntry,
    TraceRequest,
    TraceRun,
)
from fangkong.cases.selectors.contacts import with_identities
from fangkong.core.dates import refuse_too_early
from fangkong.people.masking import Disclosure, person_shown
from fangkong.people.models import Person


class PersonBriefSerializer(serializers.ModelSerializer[Person]):
    """Name and identifiers as people.masking shows them (context `disclosure`: full for roles
    that may see them, masked otherwise)."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "id_number", "phone", "home_jurisdiction"]

    def _disclosure(self) -> Disclosure:
        chosen = self.context.get("disclosure")
        return chosen if isinstance(chosen, Disclosure) else Disclosure.MINIMAL

    def get_id_number(self, person: Person) -> str:
        return person_shown(person, self._disclosure()).id_number

    def get_phone(self, person: Person) -> str:
        if self._disclosure().identifiers:
            return person.phone  # E.164, as the person API gives it
        return person_shown(person, self._disclosure()).phone


class CaseSerializer(serializers.ModelSerializer[Case]):
    person = PersonBriefSerializer(read_only=True)
    report_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    report_overdue = serializers.SerializerMethodField()
    investigation_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    investigation_overdue = serializers.SerializerMethodField()
    investigation_completed_at = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id", "number", "person", "classification", "onset_date", "sampling_date",
            "detected_at", "reported_at", "isolated_at", "reporting_hospital", "jurisdiction",
            "detection_note", "report_due_at", "report_overdue", "investigation_due_at",
            "investigation_overdue", "investigation_completed_at", "created_at",
        ]  # fmt: skip

    def to_representation(self, case: Case) -> dict[str, Any]:
        data = super().to_representation(case)
        data["report_due_at"] = _iso(case.report_due_at())
        data["investigation_due_at"] = _iso(case.investigation_due_at())
        return data

    def get_report_overdue(self, case: Case) -> bool:
        return case.report_overdue(timezone.now())

    def get_investigation_overdue(self, case: Case) -> bool:
        return case.investigation_overdue(timezone.now())

    def get_investigation_completed_at(self, case: Case) -> str | None:
        investigation = getattr(case, "investigation", None)
        return _iso(investigation.completed_at if investigation else None)


def _iso(moment: Any) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


class CaseRegisterSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(help_text="人员编号（/api/v1/persons/）")
    classification = serializers.ChoiceField(
        choices=CaseClassification.choices, help_text="确诊、无症状或疑似（不能以已排除登记）"
    )
    # Every date and moment here is an event of the epidemic: one before
    # FANGKONG_EARLIEST_EVENT_DATE is a typing slip (core.dates), refused as the forms refuse it.
    # Before 1901 it would not even be shown right: Asia/Shanghai was then local mean time,
    # +08:05:43, an offset no ISO 8601 / RFC 3339 date-time has.
    detected_at = serializers.DateTimeField(validators=[refuse_too_early])
    onset_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )
    sampling_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )
    reported_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )
    isolated_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )
    reporting_hospital = serializers.IntegerField(required=False, allow_null=True, default=None)
    detection_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class ReclassifySerializer(serializers.Serializer[Any]):
    classification = serializers.ChoiceField(choices=CaseClassification.choices)
    changed_at = serializers.DateTimeField(validators=[refuse_too_early])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReportSerializer(serializers.Serializer[Any]):
    reported_at = serializers.DateTimeField(validators=[refuse_too_early])


class TraceStartSerializer(serializers.Serializer[Any]):
    degree = serializers.ChoiceField(choices=ContactDegree.choices, required=False)


class TraceRunSerializer(serializers.ModelSerializer[TraceRun]):
    class Meta:
        model = TraceRun
        fields = [
            "id", "case", "engine", "trigger", "onset", "window_start", "window_end",
            "lookback_days", "min_overlap_minutes", "default_stay_minutes", "degree",
            "control_times", "started_at", "duration_ms", "close_found", "secondary_found",
            "proposed", "updated", "by",
        ]  # fmt: skip


class TraceRequestSerializer(serializers.ModelSerializer[TraceRequest]):
    class Meta:
        model = TraceRequest
        fields = [
            "id", "case", "degree", "status", "requested_by", "requested_at", "claimed_at",
            "attempts", "finished_at", "run", "error",
        ]  # fmt: skip


class ContactPersonSerializer(serializers.Serializer[Any]):
    """A contact's person as the caller may see them (cases.identities): a proposed contact
    the caller may not otherwise see comes masked, name included, with no record id."""

    id = serializers.IntegerField(source="pk", allow_null=True, read_only=True)
    name = serializers.CharField(read_only=True)
    id_number = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    home_jurisdiction = serializers.IntegerField(
        source="home_jurisdiction.pk", read_only=True, allow_null=True, default=None
    )
    masked = serializers.BooleanField(read_only=True)


class ContactListSerializer(serializers.ListSerializer[Contact]):
    def to_representation(self, data: Any) -> Any:
        rows = with_identities(viewer=self.context["request"].user, contacts=data, full=True)
        return super().to_representation(rows)


class ContactSerializer(serializers.ModelSerializer[Contact]):
    person = ContactPersonSerializer(source="shown", read_only=True)
    via_name = serializers.CharField(source="via_shown.name", read_only=True)
    # null for a contact without a venue (named in the interview), as the schema says.
    venue_name = serializers.CharField(
        source="venue.name", read_only=True, default=None, allow_null=True
    )
    control_due_at = serializers.SerializerMethodField()
    control_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id", "case", "person", "degree", "via", "via_name", "first_exposure",
            "last_exposure", "venue", "venue_name", "overlap_minutes", "category", "source",
            "evidence", "status", "trace_run", "investigator", "identified_at", "notified_at",
            "controlled_at", "released_at", "dismissed_at", "dismiss_reason", "notify_note",
            "control_note", "placement", "upgraded_at", "control_due_at", "control_overdue",
        ]  # fmt: skip
        list_serializer_class = ContactListSerializer

    def to_representation(self, contact: Contact) -> dict[str, Any]:
        if not hasattr(contact, "shown"):
            with_identities(viewer=self.context["request"].user, contacts=[contact], full=True)
        return super().to_representation(contact)

    def get_control_due_at(self, contact: Contact) -> str | None:
        return _iso(contact.control_due_at())

    def get_control_overdue(self, contact: Contact) -> bool:
        return contact.control_overdue(timezone.now())


class ContactAddSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()
    person = serializers.IntegerField()
    degree = serializers.ChoiceField(choices=ContactDegree.choices)
    via = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.ChoiceField(choices=ContactCategory.choices)
    evidence = serializers.CharField(max_length=300)
    first_exposure = serializers.DateTimeField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )
    last_exposure = serializers.DateTimeField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, validators=[refuse_too_early]
    )


class DismissSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200)


class ItineraryEntrySerializer(serializers.ModelSerializer[ItineraryEntry]):
    # null for an entry without a venue (a place given in words), as the schema says.
    venue_name = serializers.CharField(
        source="venue.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ItineraryEntry
        fields = [
            "id", "starts_at", "ends_at", "venue", "venue_name", "place", "activity",
            "companions", "checkin", "recorded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["checkin", "recorded_by", "created_at"]
        extra_kwargs = {
            "starts_at": {"validators": [refuse_too_early]},
            "ends_at": {"validators": [refuse_too_early]},
        }


class InvestigationSerializer(serializers.ModelSerializer[Investigation]):
    itinerary = ItineraryEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "id", "case", "investigator", "started_at", "completed_at", "likely_source",
            "summary", "itinerary",
        ]  # fmt: skip
        read_only_fields = ["case", "started_at", "completed_at"]
