from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.command.forms import MemberForm, PublishRotaForm, RotaForm, ShiftForm, TeamForm
from fangkong.command.models import Rota, Shift, WorkTeam
from fangkong.command.rest_rules import rota_violations
from fangkong.command.selectors.teams import on_duty_board
from fangkong.command.services.teams import (
    RotaViolations,
    rota_create,
    rota_publish,
    shift_add,
    shift_remove,
    team_create,
    team_member_add,
)
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error


@capability_required("team.view")
def team_list_page(request: AuthenticatedRequest) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "")
    form = RotaForm(posted if action == "rota" else None, prefix="rota")
    team_form = TeamForm(posted if action == "team" else None, prefix="team")
    member_form = MemberForm(posted if action == "member" else None, prefix="member")
    if request.method == "POST":
        if not request.user.can("team.manage"):
            raise Http404
        done = _team_write(request, action, form, team_form, member_form)
        if done is not None:
            return done
    teams = WorkTeam.objects.select_related("leader").prefetch_related("memberships__user")
    return render(
        request,
        "command/team_list.html",
        {
            "board": on_duty_board(at=timezone.now()),
            "teams": teams,
            "rotas": Rota.objects.select_related("team").order_by("-starts_on")[:30],
            "form": form,
            "team_form": team_form,
            "member_form": member_form,
            "now": timezone.now(),
        },
    )


def _team_write(
    request: AuthenticatedRequest,
    action: str,
    rota_form: RotaForm,
    team_form: TeamForm,
    member_form: MemberForm,
) -> HttpResponse | None:
    """One of the three forms of the teams page; a redirect when it was saved."""
    chosen = {"rota": rota_form, "team": team_form, "member": member_form}.get(action)
    if chosen is None or not chosen.is_valid():
        return None
    data = chosen.cleaned_data
    try:
        if action == "rota":
            return redirect(rota_create(by=request.user, **data))
        if action == "team":
            team_create(by=request.user, **data)
            messages.success(request, _("专班已建立。"))
        else:
            team_member_add(by=request.user, **data)
            messages.success(request, _("成员已加入。"))
    except ValidationError as error:
        apply_validation_error(chosen, error)
        return None
    except Conflict as error:
        chosen.add_error(None, error.message)
        return None
    return redirect("command:team_list")


def _rota(pk: int) -> Rota:
    try:
        return Rota.objects.select_related("team").get(pk=pk)
    except Rota.DoesNotExist as error:
        raise Http404 from error


@capability_required("team.view")
def rota_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rota = _rota(pk)
    shift_form = ShiftForm(request.POST or None, team=rota.team, prefix="shift")
    publish_form = PublishRotaForm(prefix="publish")
    if request.method == "POST":
        if not request.user.can("team.manage"):
            raise Http404
        if shift_form.is_valid():
            try:
                shift_add(rota=rota, by=request.user, **shift_form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(shift_form, error)
            except Conflict as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("班次已添加。"))
                return redirect(rota)
    return render(
        request,
        "command/rota_detail.html",
        {
            "rota": rota,
            "shifts": list(rota.shifts.select_related("user")),
            "violations": rota_violations(rota),
            "shift_form": shift_form,
            "publish_form": publish_form,
        },
    )


@require_POST
@capability_required("team.manage")
def rota_publish_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rota = _rota(pk)
    form = PublishRotaForm(request.POST, prefix="publish")
    form.is_valid()
    try:
        rota_publish(
            rota=rota,
            accept_violations=form.cleaned_data.get("accept_violations", ""),
            by=request.user,
        )
    except RotaViolations as error:
        messages.error(request, error.message)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("值班表已发布。"))
    return redirect(rota)


@require_POST
@capability_required("team.manage")
def shift_remove_action(request: AuthenticatedRequest, pk: int, shift_pk: int) -> HttpResponse:
    rota = _rota(pk)
    try:
        shift = rota.shifts.get(pk=shift_pk)
    except Shift.DoesNotExist as error:
        raise Http404 from error
    try:
        shift_remove(shift=shift, by=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    return redirect(rota)
