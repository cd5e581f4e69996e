"""What a positive result sets off: the cross-area signal, the alert, and the review of the
people around (same floor and the floors next to it) and linked to (their secondary contacts).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_resolve
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationCategory,
    Placement,
    ReviewFlag,
    ReviewKind,
    ReviewResolution,
    Room,
    Sample,
    Site,
)
from fangkong.quarantine.services.alerting import SiteAlertKind, site_alert_raise
from fangkong.quarantine.services.observation_plan import (
    placement_replan,
    placement_restart_period,
)
from fangkong.quarantine.signals import positive_result

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def neighbouring_floors(site: Site, floor: int) -> list[int]:
    """The floor and the floors directly above and below (as many as the span setting says).
    Hotels skip unlucky numbers, so "directly above" is the next floor the site has."""
    floors = sorted(set(Room.objects.filter(site=site).values_list("floor", flat=True)))
    if floor not in floors:
        return [floor]
    index = floors.index(floor)
    span = quarantine_settings().floor_span
    return floors[max(0, index - span) : index + span + 1]


def positive_found(*, test: NucleicAcidTest, sample: Sample, by: User | None) -> None:
    """Called inside the transaction that concluded `test` positive."""
    placement = Placement.objects.select_related("person", "room__site").get(pk=test.placement_id)
    person, site = placement.person, placement.room.site
    positive_result.send(
        sender=Placement, person=person, placement=placement, sampled_at=sample.sampled_at, by=by
    )
    site_alert_raise(
        site=site,
        kind=SiteAlertKind.POSITIVE,
        severity=Severity.CRITICAL,
        title=_("%(name)s 核酸阳性（%(site)s %(room)s），须闭环转运至定点医院")
        % {"name": person.name, "site": site.name, "room": placement.room.number},
        detail=_("%(phase)s第 %(day)s 天核酸，%(lab)s 报告阳性，采样时间 %(at)s。")
        % {
            "phase": test.get_phase_display(),
            "day": test.day,
            "lab": sample.lab,
            "at": timezone.localtime(sample.sampled_at).strftime("%Y-%m-%d %H:%M"),
        },
        subject=placement,
        by=by,
    )
    if placement.is_active:
        _flag_floors(placement, sample, by=by)
    _flag_linked(person, sample, by=by)


def _open_flags(placements: list[Placement], kind: str, sample: Sample) -> list[ReviewFlag]:
    person_id = sample.test.placement.person_id
    already = set(
        ReviewFlag.objects.filter(
            placement__in=placements,
            kind=kind,
            source_person_id=person_id,
            resolved_at__isnull=True,
        ).values_list("placement_id", flat=True)
    )
    now = timezone.now()
    return ReviewFlag.objects.bulk_create(
        ReviewFlag(
            placement=p,
            kind=kind,
            source_person_id=person_id,
            source_sample=sample,
            raised_at=now,
        )
        for p in placements
        if p.pk not in already
    )


def _flag_floors(placement: Placement, sample: Sample, *, by: User | None) -> None:
    site = placement.room.site
    floors = neighbouring_floors(site, placement.room.floor)
    around = list(
        Placement.objects.active()
        .filter(room__site=site, room__floor__in=floors)
        .exclude(pk=placement.pk)
        .select_related("room")
    )
    flags = _open_flags(around, ReviewKind.FLOOR_EXPOSURE, sample)
    if not flags:
        return
    audit_write(
        by=by,
        action="review.flag_floors",
        obj=placement,
        after={"floors": floors, "flagged_placement_ids": [f.placement_id for f in flags]},
    )
    site_alert_raise(
        site=site,
        kind=SiteAlertKind.REVIEW,
        title=_("%(site)s %(floors)s 层共 %(n)s 人须复核并重新计算观察期（%(name)s 阳性）")
        % {
            "site": site.name,
            "floors": "、".join(str(f) for f in floors),
            "n": len(around),
            "name": placement.person.name,
        },
        subject=placement,
        dedupe_key=f"{SiteAlertKind.REVIEW.value}:floors:{placement.pk}",
        by=by,
    )


def _flag_linked(person: Person, sample: Sample, *, by: User | None) -> None:
    linked = list(
        Placement.objects.active()
        .filter(
            exposed_via=person,
            category=ObservationCategory.SECONDARY_CONTACT,
            scheme__upgrade_on_linked_positive=True,
        )
        .select_related("room__site", "person")
    )
    flags = _open_flags(linked, ReviewKind.LINKED_POSITIVE, sample)
    by_site: dict[Site, list[Placement]] = {}
    for flag in flags:
        placement = next(p for p in linked if p.pk == flag.placement_id)
        by_site.setdefault(placement.room.site, []).append(placement)
    for site, placements in by_site.items():
        audit_write(
            by=by,
            action="review.flag_linked",
            obj=site,
            after={"source_person": person.pk, "flagged_placement_ids": [p.pk for p in placements]},
        )
        site_alert_raise(
            site=site,
            kind=SiteAlertKind.REVIEW,
            title=_("%(name)s 阳性：其 %(n)s 名次密接须升级为密接管理（%(site)s）")
            % {"name": person.name, "n": len(placements), "site": site.name},
            detail="、".join(f"{p.person.name}（{p.room.number}）" for p in placements),
            dedupe_key=f"{SiteAlertKind.REVIEW.value}:linked:{site.pk}:{person.pk}",
            by=by,
        )


@transaction.atomic
def review_flags_restart(
    *, site: Site, source_person: Person, at: dt.datetime | None = None, by: User | None
) -> int:
    """The one action for a positive inside the site: restart the observation period of
    everyone flagged on the floors around, counted from the positive's sampling."""
    moment = at or timezone.now()
    flags = list(
        ReviewFlag.objects.select_related("source_sample__test", "placement")
        .filter(
            placement__room__site=site,
            kind=ReviewKind.FLOOR_EXPOSURE,
            source_person=source_person,
            resolved_at__isnull=True,
        )
        .order_by("placement_id")
    )
    if not flags:
        raise Conflict(_("没有待复核的人员"), code="nothing_to_review")
    for flag in flags:
        placement_restart_period(
            placement=flag.placement, anchor_at=flag.source_sample.sampled_at, at=moment, by=by
        )
    for placement_id in {flag.source_sample.test.placement_id for flag in flags}:
        _resolve_floor_alert(placement_id, by=by)
    return len(flags)


def _resolve_floor_alert(placement_id: int, *, by: User | None) -> None:
    key = f"{SiteAlertKind.REVIEW.value}:floors:{placement_id}"
    for alert in Alert.objects.open().filter(dedupe_key=key):
        alert_resolve(alert=alert, note=_("已对相关楼层人员重新计算观察期"), by=by)


@transaction.atomic
def review_flag_dismiss(*, flag: ReviewFlag, note: str, by: User | None) -> ReviewFlag:
    """Close a flag after review found no exposure (e.g. a sealed floor); the note says why."""
    flag = ReviewFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise Conflict(_("该标记已处理"), code="review_resolved")
    if not note.strip():
        raise ValidationError({"note": _("请说明无需处理的理由")})
    flag.resolved_at, flag.resolution, flag.resolved_by = (
        timezone.now(),
        ReviewResolution.DISMISSED,
        by,
    )
    flag.save(update_fields=["resolved_at", "resolution", "resolved_by"])
    audit_write(
        by=by,
        action="review_flag.dismiss",
        obj=flag,
        after={**snapshot(flag, ["resolved_at", "resolution"]), "note": note.strip()[:300]},
    )
    return flag


@transaction.atomic
def review_flag_upgrade(
    *, flag: ReviewFlag, at: dt.datetime | None = None, by: User | None
) -> Placement:
    """Manage a secondary contact whose close contact tested positive as a close contact."""
    if flag.kind != ReviewKind.LINKED_POSITIVE or flag.resolved_at is not None:
        raise Conflict(_("该标记无需升级处理"), code="review_not_upgradable")
    return placement_replan(
        placement=flag.placement,
        category=ObservationCategory.CLOSE_CONTACT,
        exposed_via=flag.source_person,
        at=at,
        by=by,
    )
