"""Daily health observation: a temperature and a symptom check, morning and evening, from
the staff's floor grid or the person's own phone. A fever or a symptom raises an alert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Severity
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import (
    HealthObservation,
    Placement,
    ReportSource,
    Slot,
    Symptom,
    fever_threshold,
)
from fangkong.quarantine.services.alerting import SiteAlertKind, site_alert_raise

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_FIELDS = ["temperature", "symptoms", "other_symptom", "source", "recorded_at", "recorded_by"]


def parse_temperature(raw: str | Decimal | float) -> Decimal:
    """A reading as typed ("36.5", "36,5", "365" for 36.5), checked against the range."""
    text = str(raw).strip().replace(",", ".").replace("，", ".").replace("℃", "")
    if text.isdigit() and len(text) == 3:
        text = f"{text[:2]}.{text[2]}"  # a fast typist skips the point: 368 is 36.8
    try:
        exact = Decimal(text)
        value = exact.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"temperature": _("体温「%s」不是数字") % raw}) from error
    if value != exact:
        # "36.2365" is a reading typed into a cell that already held 36.2: never round it.
        raise ValidationError(
            {"temperature": _("体温「%s」最多一位小数，请核对") % raw}
        )  # fmt: skip
    low = Decimal(quarantine_settings().temperature_min)
    high = Decimal(quarantine_settings().temperature_max)
    if not low <= value <= high:
        raise ValidationError(
            {"temperature": _("体温 %(value)s ℃ 不在 %(low)s–%(high)s ℃ 之间，请核对")
             % {"value": value, "low": low, "high": high}}
        )  # fmt: skip
    return value


def _clean_symptoms(symptoms: Iterable[str], other: str) -> tuple[list[str], str]:
    codes = sorted(set(symptoms))
    unknown = [c for c in codes if c not in Symptom.values]
    if unknown:
        raise ValidationError({"symptoms": _("未知症状：%s") % "、".join(unknown)})
    other = other.strip()[:100]
    if other and Symptom.OTHER not in codes:
        codes.append(Symptom.OTHER)
    return codes, other


def _may_report(placement: Placement, day: dt.date) -> bool:
    if placement.is_active:
        return day >= timezone.localdate(placement.starts_at)
    return placement.in_home_monitoring(day)


@transaction.atomic
def observation_record(
    *,
    placement: Placement,
    day: dt.date,
    slot: str,
    temperature: str | Decimal | float,
    symptoms: Sequence[str] = (),
    other_symptom: str = "",
    source: str = ReportSource.STAFF,
    at: dt.datetime | None = None,
    by: User | None,
) -> HealthObservation:
    """Record (or correct) one reading; a fever or symptom raises the site's alert."""
    moment = at or timezone.now()
    if slot not in Slot.values:
        raise ValidationError({"slot": _("未知时段：%s") % slot})
    if source not in ReportSource.values:
        raise ValidationError({"source": _("未知来源：%s") % source})
    value = parse_temperature(temperature)
    codes, other = _clean_symptoms(symptoms, other_symptom)
    if day > timezone.localdate(moment):
        raise ValidationError({"day": _("不能填报未来日期")})
    placement = Placement.objects.select_related("room__site", "person").get(pk=placement.pk)
    if not _may_report(placement, day):
        raise Conflict(_("%s 当日不在观察期内") % placement.person.name, code="not_observed")
    observation = (
        HealthObservation.objects.select_for_update()
        .filter(person_id=placement.person_id, day=day, slot=slot)
        .first()
    )
    values = {
        "temperature": value,
        "symptoms": codes,
        "other_symptom": other,
        "source": source,
        "recorded_at": moment,
        "recorded_by": by,
    }
    if observation is None:
        observation = HealthObservation.objects.create(
            person_id=placement.person_id, placement=placement, day=day, slot=slot, **values
        )
        audit_write(
            by=by, action="observation.record", obj=observation, after=snapshot(observation)
        )
    elif (observation.temperature, observation.symptoms, observation.other_symptom) == (
        value,
        codes,
        other,
    ):
        return observation  # the grid sends back readings it showed: nothing to record
    else:
        before = snapshot(observation, _FIELDS)
        for field, new_value in values.items():
            setattr(observation, field, new_value)
        observation.placement = placement
        observation.save()
        old, new = changed(before, snapshot(observation, _FIELDS))
        audit_write(by=by, action="observation.correct", obj=observation, before=old, after=new)
    _raise_alerts(placement, observation, by=by)
    return observation


def _raise_alerts(placement: Placement, observation: HealthObservation, *, by: User | None) -> None:
    site = placement.room.site
    where = _("%(site)s %(room)s") % {"site": site.name, "room": placement.room.number}
    when = _("%(day)s %(slot)s") % {"day": observation.day, "slot": observation.get_slot_display()}
    if observation.has_fever:
        site_alert_raise(
            site=site,
            kind=SiteAlertKind.FEVER,
            severity=Severity.CRITICAL,
            title=_("%(name)s 发热 %(t)s ℃（%(where)s）")
            % {"name": placement.person.name, "t": observation.temperature, "where": where},
            detail=_("%(when)s 体温 %(t)s ℃，发热标准 ≥ %(limit)s ℃。")
            % {"when": when, "t": observation.temperature, "limit": fever_threshold()},
            subject=placement,
            by=by,
        )
    if observation.symptoms:
        site_alert_raise(
            site=site,
            kind=SiteAlertKind.SYMPTOMS,
            title=_("%(name)s 出现症状：%(symptoms)s（%(where)s）")
            % {
                "name": placement.person.name,
                "symptoms": "、".join(observation.symptom_labels),
                "where": where,
            },
            detail=when,
            subject=placement,
            by=by,
        )


def _own_reports(
    entries: Sequence[GridEntry], *, day: dt.date, slot: str
) -> dict[int, HealthObservation]:
    """The readings of the slot the persons of these rows reported themselves, by person."""
    readings = HealthObservation.objects.select_for_update().filter(
        person_id__in=[e.placement.person_id for e in entries],
        day=day,
        slot=slot,
        source=ReportSource.SELF,
    )
    return {r.person_id: r for r in readings}


@dataclass(frozen=True)
class GridEntry:
    """One row of the floor grid as typed: the placement, the reading, the symptoms."""

    placement: Placement
    temperature: str
    symptoms: Sequence[str] = ()
    other_symptom: str = ""


@transaction.atomic
def observations_record_floor(
    *,
    entries: Sequence[GridEntry],
    day: dt.date,
    slot: str,
    at: dt.datetime | None = None,
    by: User | None,
) -> list[HealthObservation]:
    """Record a floor's readings at once: every row valid or nothing saved, and each error
    names its room."""
    errors: dict[str, list[str]] = {}
    own = _own_reports(entries, day=day, slot=slot)
    for entry in entries:
        messages: list[str] = []
        try:
            parse_temperature(entry.temperature)
            _clean_symptoms(entry.symptoms, entry.other_symptom)
        except ValidationError as error:
            messages.extend(error.messages)
        if (reading := own.get(entry.placement.person_id)) is not None:
            # The person's own report stands: the grid never replaces it, even when it
            # arrived after the grid was opened.
            messages.append(
                _("%(name)s 已本人填报 %(t)s ℃，不能由工作人员覆盖")
                % {"name": entry.placement.person.name, "t": reading.temperature}
            )
        for message in messages:
            errors.setdefault(f"room_{entry.placement.room_id}", []).append(
                _("%(room)s：%(message)s")
                % {"room": entry.placement.room.number, "message": message}
            )
    if errors:
        raise ValidationError(errors)
    return [
        observation_record(
            placement=entry.placement,
            day=day,
            slot=slot,
            temperature=entry.temperature,
            symptoms=entry.symptoms,
            other_symptom=entry.other_symptom,
            source=ReportSource.STAFF,
            at=at,
            by=by,
        )
        for entry in entries
    ]
