"""Work teams, their members, and duty rotas checked against the rest rules."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.models import Rota, RotaStatus, Shift, TeamMember, WorkTeam
from fangkong.command.rest_rules import rota_violations
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class RotaViolations(Conflict):
    """Publishing refused: the rota breaks the rest rules and no reason was given."""

    code = "rota_violations"

    def __init__(self, messages: list[str]) -> None:
        super().__init__(_("值班表违反休息规定：") + "；".join(messages))
        self.messages = messages


@transaction.atomic
def team_create(
    *, name: str, duties: str = "", leader: User | None = None, order: int = 0, by: User | None
) -> WorkTeam:
    if not name.strip():
        raise ValidationError({"name": _("请填写专班名称")})
    # The name is the team's natural key: a second team of that name is a conflict (409 in
    # the API), also when two requests race past the check (the unique index decides).
    taken = Conflict(_("专班「%s」已存在") % name.strip(), code="team_exists")
    if WorkTeam.objects.filter(name=name.strip()).exists():
        raise taken
    try:
        with transaction.atomic():
            team = WorkTeam.objects.create(
                name=name.strip(), duties=duties, leader=leader, order=order
            )
    except IntegrityError as error:
        raise taken from error
    if leader is not None:
        TeamMember.objects.create(team=team, user=leader, post=_("负责人"))
    audit_write(by=by, action="team.create", obj=team, after=snapshot(team))
    return team


@transaction.atomic
def team_member_add(*, team: WorkTeam, user: User, post: str = "", by: User | None) -> TeamMember:
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(team=team, user=user, post=post)
    except IntegrityError as error:
        raise Conflict(_("%s 已是该专班成员") % user, code="already_member") from error
    audit_write(by=by, action="team.member_add", obj=team, after={"user": user.pk, "post": post})
    return member


@transaction.atomic
def rota_create(*, team: WorkTeam, starts_on: dt.date, ends_on: dt.date, by: User | None) -> Rota:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
    rota = Rota.objects.create(team=team, starts_on=starts_on, ends_on=ends_on)
    audit_write(by=by, action="rota.create", obj=rota, after=snapshot(rota))
    return rota


def _editable(rota: Rota) -> Rota:
    rota = Rota.objects.select_for_update().get(pk=rota.pk)
    if rota.status == RotaStatus.PUBLISHED:
        raise Conflict(_("值班表已发布，不能再修改"), code="rota_published")
    return rota


@transaction.atomic
def shift_add(
    *,
    rota: Rota,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    post: str = "",
    by: User | None,
) -> Shift:
    rota = _editable(rota)
    _check_shift(rota=rota, user=user, starts_at=starts_at, ends_at=ends_at)
    shift = Shift.objects.create(
        rota=rota, user=user, starts_at=starts_at, ends_at=ends_at, post=post
    )
    audit_write(by=by, action="rota.shift_add", obj=rota, after=snapshot(shift))
    return shift


def _check_shift(*, rota: Rota, user: User, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间")})
    day = timezone.localtime(starts_at).date()
    if not rota.starts_on <= day <= rota.ends_on:
        raise ValidationError({"starts_at": _("班次须在值班表的日期范围内")})
    if not TeamMember.objects.filter(team_id=rota.team_id, user=user).exists():
        raise ValidationError({"user": _("%s 不是该专班成员") % user})


@transaction.atomic
def shift_replace(
    *,
    shift: Shift,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    post: str = "",
    by: User | None,
) -> Shift:
    """Put another member (or other hours) on a shift of a draft rota, in one step: the same
    rules as adding it, so a replacement cannot slip past what `shift_add` refuses. A published
    rota is changed by no one (its rest rules were checked when it was published)."""
    rota = _editable(shift.rota)
    _check_shift(rota=rota, user=user, starts_at=starts_at, ends_at=ends_at)
    before = snapshot(shift)
    shift.user, shift.starts_at, shift.ends_at, shift.post = user, starts_at, ends_at, post
    shift.save(update_fields=["user", "starts_at", "ends_at", "post"])
    old, new = changed(before, snapshot(shift))
    audit_write(by=by, action="rota.shift_replace", obj=rota, before=old, after=new)
    return shift


@transaction.atomic
def shift_remove(*, shift: Shift, by: User | None) -> None:
    rota = _editable(shift.rota)
    before = snapshot(shift)
    shift.delete()
    audit_write(by=by, action="rota.shift_remove", obj=rota, before=before)


@transaction.atomic
def rota_publish(*, rota: Rota, accept_violations: str = "", by: User | None) -> Rota:
    """Publish a rota. Violations of the rest rules are flagged here, before anyone is on duty:
    publishing over them needs a written reason, recorded with the rota and in the audit."""
    rota = _editable(rota)
    violations = rota_violations(rota)
    if violations and not accept_violations.strip():
        raise RotaViolations([v.message for v in violations])
    rota.status = RotaStatus.PUBLISHED
    rota.published_at = timezone.now()
    rota.violations_accepted = accept_violations.strip()[:300] if violations else ""
    rota.save(update_fields=["status", "published_at", "violations_accepted"])
    audit_write(
        by=by,
        action="rota.publish",
        obj=rota,
        after={
            "published_at": rota.published_at,
            "violations": [v.message for v in violations],
            "reason": rota.violations_accepted,
        },
    )
    return rota
