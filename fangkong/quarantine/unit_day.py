"""What the quarantine area knows of a unit's day: the sites it runs, for its daily report
(registered with `fangkong.operations.unit_days`)."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.operations.unit_days import UnitDay, register_unit_day
from fangkong.quarantine.models import (
    Outcome,
    Placement,
    PlacementEnd,
    Site,
    SiteAlert,
    SiteStatus,
    StaffMember,
)
from fangkong.quarantine.services.alerting import SiteAlertKind

# Alerts that the daily report counts as 新增异常情况 (fever and other symptoms).
ABNORMAL_KINDS = (SiteAlertKind.FEVER, SiteAlertKind.SYMPTOMS)


def unit_day(*, unit: ResponsibleUnit, day: dt.date, at: dt.datetime) -> UnitDay | None:
    sites = list(Site.objects.filter(operating_unit=unit).exclude(status=SiteStatus.CLOSED))
    if not sites:
        return None
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    moment = min(at, end)
    placements = Placement.objects.filter(room__site__in=sites)
    held = placements.present_at(moment).count()
    during = Q(starts_at__gte=start, starts_at__lt=moment)
    arrived = placements.filter(during, moved_from__isnull=True).count()
    ended = placements.filter(ended_at__gte=start, ended_at__lt=moment)
    released = ended.filter(end_reason=PlacementEnd.RELEASED).count()
    transferred = ended.filter(end_reason=PlacementEnd.TRANSFERRED).count()
    abnormal = SiteAlert.objects.filter(
        site__in=sites, alert__kind__in=ABNORMAL_KINDS, alert__raised_at__lt=moment
    )
    new_abnormal = _people_with_new_alerts(abnormal.filter(alert__raised_at__gte=start))
    # Still open at some time of the day: raised that day, or earlier and not yet handled.
    open_abnormal = abnormal.filter(
        Q(alert__raised_at__gte=start)
        | Q(alert__resolved_at__isnull=True)
        | Q(alert__resolved_at__gte=start)
    ).count()
    positives_waiting = (
        placements.present_at(moment)
        .filter(tests__outcome=Outcome.POSITIVE, tests__concluded_at__lt=moment)
        .values("pk")
        .distinct()
        .count()
    )
    staff = StaffMember.objects.in_loop().filter(site__in=sites).count()
    events = [
        phrase % {"n": count}
        for count, phrase in [
            (held, _("%(n)s 名在观察人员")),
            (arrived, _("%(n)s 名新入住人员")),
            (released, _("%(n)s 名解除隔离人员")),
            (open_abnormal, _("%(n)s 条发热或症状预警")),
            (positives_waiting, _("%(n)s 名阳性待转运")),
            (transferred, _("%(n)s 名闭环转运人员")),
        ]
        if count
    ]
    return UnitDay(
        figures={
            "people_held": held,
            "new_admitted": arrived,
            "released": released,
            "new_abnormal": new_abnormal,
            "staff_on_duty": staff,
        },
        events=events,
    )


def _people_with_new_alerts(raised: QuerySet[SiteAlert]) -> int:
    """新增异常情况 counts people, not alerts: a fever with a cough raises two alerts (one per
    kind) about one placement, and a person moved to another room that day has two
    placements. Each person counts once a day; an alert about no placement counts as one."""
    placement_type = ContentType.objects.get_for_model(Placement)
    about_placements = raised.filter(alert__subject_type=placement_type)
    placement_ids = {int(pk) for pk in about_placements.values_list("alert__subject_id", flat=True)}
    people = Placement.objects.filter(pk__in=placement_ids).values("person_id").distinct().count()
    return people + raised.exclude(alert__subject_type=placement_type).count()


def register() -> None:
    register_unit_day("quarantine", unit_day)
