"""Observation schemes: which one is in force, what it plans, and defining new editions.

The edition in force is the measure `quarantine.scheme` (a notice switches it at a given
time); a placement takes the scheme of its category in that edition when it starts and keeps
it, so a switch changes new placements only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.policy.conf import policy_settings
from fangkong.policy.selectors import measure_in_force
from fangkong.quarantine.models import (
    ManagementSetting,
    ObservationCategory,
    ObservationPhase,
    ObservationScheme,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

SCHEME_MEASURE = "quarantine.scheme"


def default_edition(subject: str = "") -> str:
    return policy_settings().edition


def edition_in_force(*, at: dt.datetime | None = None) -> str:
    return str(measure_in_force(SCHEME_MEASURE, at=at))


def parse_edition(subject: str, raw: Any) -> str:
    """A measure value: an edition code that has a scheme for every category."""
    code = str(raw).strip()
    present = set(ObservationScheme.objects.filter(edition=code).values_list("category", flat=True))
    missing = [c.label for c in ObservationCategory if c.value not in present]
    if not present:
        raise ValidationError(_("没有版本为「%s」的隔离管控方案") % code)
    if missing:
        raise ValidationError(
            _("方案「%(code)s」缺少以下人员类别：%(missing)s")
            % {"code": code, "missing": "、".join(str(m) for m in missing)}
        )
    return code


def edition_choices() -> list[tuple[str, str]]:
    return ObservationScheme.objects.editions()


def edition_display(value: Any) -> str:
    return dict(edition_choices()).get(str(value), str(value))


def scheme_for(*, edition: str, category: str) -> ObservationScheme:
    try:
        return ObservationScheme.objects.get(edition=edition, category=category)
    except ObservationScheme.DoesNotExist as error:
        raise ValidationError(
            {"category": _("方案「%(edition)s」没有「%(category)s」的规定")
             % {"edition": edition, "category": ObservationCategory(category).label}}
        ) from error  # fmt: skip


def scheme_in_force(*, category: str, at: dt.datetime) -> ObservationScheme:
    return scheme_for(edition=edition_in_force(at=at), category=category)


@dataclass(frozen=True)
class PlannedTest:
    phase: str
    day: int
    due_on: dt.date
    dual_sampling: bool


def centralized_plan(
    scheme: ObservationScheme, *, anchor_on: dt.date, start_on: dt.date
) -> list[PlannedTest]:
    """The tests of the observation period. Test days already past when the person arrives
    are taken on arrival (one test a day: the later day number stands for the date)."""
    by_date: dict[dt.date, int] = {}
    for day in sorted(int(d) for d in scheme.test_days):
        by_date[max(anchor_on + dt.timedelta(days=day), start_on)] = day
    if not by_date:
        return []
    last = max(by_date)
    return [
        PlannedTest(
            phase=ObservationPhase.CENTRALIZED,
            day=day,
            due_on=due_on,
            dual_sampling=scheme.dual_sampling_at_release and due_on == last,
        )
        for due_on, day in sorted(by_date.items())
    ]


def observation_end(scheme: ObservationScheme, *, anchor_on: dt.date, start_on: dt.date) -> dt.date:
    """The day the period is over (release is possible from that day on)."""
    return max(anchor_on + dt.timedelta(days=scheme.period_days), start_on)


def home_plan(scheme: ObservationScheme, *, released_on: dt.date) -> list[PlannedTest]:
    return [
        PlannedTest(
            phase=ObservationPhase.HOME,
            day=int(day),
            due_on=released_on + dt.timedelta(days=int(day)),
            dual_sampling=False,
        )
        for day in sorted(set(scheme.home_test_days))
    ]


def _clean_days(field: str, days: Sequence[int], *, limit: int) -> list[int]:
    cleaned = sorted({int(d) for d in days})
    bad = [d for d in cleaned if d < 0 or d > limit]
    if bad:
        raise ValidationError(
            {field: _("检测日必须在第 0 天到第 %(limit)s 天之间：%(bad)s")
             % {"limit": limit, "bad": "、".join(str(d) for d in bad)}}
        )  # fmt: skip
    return cleaned


@transaction.atomic
def scheme_define(
    *,
    edition: str,
    edition_label: str,
    category: str,
    period_days: int,
    test_days: Sequence[int],
    setting: str = ManagementSetting.CENTRALIZED,
    home_monitoring_days: int = 0,
    home_test_days: Sequence[int] = (),
    dual_sampling_at_release: bool = False,
    linked_tests_required: int = 0,
    upgrade_on_linked_positive: bool = False,
    source: str = "",
    by: User | None,
) -> ObservationScheme:
    """Create or change one category's scheme of an edition; a scheme that placements
    already follow is never changed (their periods would move): define a new edition."""
    if category not in ObservationCategory.values:
        raise ValidationError({"category": _("未知人员类别：%s") % category})
    if setting not in ManagementSetting.values:
        raise ValidationError({"setting": _("未知管理方式：%s") % setting})
    if period_days < 1:
        raise ValidationError({"period_days": _("隔离天数至少为 1 天")})
    values = {
        "edition_label": edition_label.strip() or edition,
        "setting": setting,
        "period_days": period_days,
        "test_days": _clean_days("test_days", test_days, limit=period_days),
        "home_monitoring_days": home_monitoring_days,
        "home_test_days": _clean_days("home_test_days", home_test_days, limit=home_monitoring_days),
        "dual_sampling_at_release": dual_sampling_at_release,
        "linked_tests_required": linked_tests_required,
        "upgrade_on_linked_positive": upgrade_on_linked_positive,
        "source": source[:200],
    }
    if not values["test_days"]:
        raise ValidationError({"test_days": _("请至少安排一次核酸检测")})
    scheme = (
        ObservationScheme.objects.select_for_update()
        .filter(edition=edition.strip(), category=category)
        .first()
    )
    if scheme is None:
        scheme = ObservationScheme.objects.create(
            edition=edition.strip(), category=category, **values
        )
        audit_write(by=by, action="scheme.create", obj=scheme, after=snapshot(scheme))
        return scheme
    if scheme.placements.exists():
        raise Conflict(
            _("已有隔离人员按「%s」管理，不能修改；请以新的版本号定义方案。") % scheme,
            code="scheme_in_use",
        )
    before = snapshot(scheme)
    for field, value in values.items():
        setattr(scheme, field, value)
    scheme.save()
    old, new = changed(before, snapshot(scheme))
    audit_write(by=by, action="scheme.update", obj=scheme, before=old, after=new)
    return scheme
