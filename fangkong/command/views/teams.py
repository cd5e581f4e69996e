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
from fangkong.command.forms import PublishRotaForm, RotaForm, ShiftForm
from fangkong.command.models import Rota, Shift, WorkTeam
from fangkong.command.rest_rules import rota_violations
from fangkong.command.selectors.teams import on_duty_board
from fangkong.command.services.teams import (
    RotaViolations,
    rota_create,
    rota_publish,
    shift_add,
    shift_remove,
)
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error


@capability_required("team.view")
def team_list_page(request: AuthenticatedRequest) -> HttpResponse:
    form = RotaForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("team.manage"):
            raise Http404
        if form.is_valid():
            try:
                rota = rota_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect(rota)
    teams = WorkTeam.objects.select_related("leader").prefetch_related("memberships__user")
    return render(
        request,
        "command/team_list.html",
        {
            "board": on_duty_board(at=timezone.now()),
            "teams": teams,
            "rotas": Rota.objects.select_related("team").order_by("-starts_on")[:30],
            "form": form,
            "now": timezone.now(),
        },
    )


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
