from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.audit import audit_read
from fangkong.core.errors import Conflict
from fangkong.core.forms import StyledForm, apply_validation_error
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.forms import (
    CompanionForm,
    DepartForm,
    MoveForm,
    PlacementForm,
    ResultsForm,
    SampleForm,
    TransferForm,
)
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationPhase,
    Outcome,
    PlacementEnd,
    Room,
    Sample,
    SampleResult,
    Transfer,
)
from fangkong.quarantine.selectors.health import person_observations, scheduled_tests_of
from fangkong.quarantine.services.placements import (
    companion_start,
    placement_move,
    placement_start_registering,
    room_refusal,
)
from fangkong.quarantine.services.release import placement_release, release_blockers
from fangkong.quarantine.services.sampling import sample_record, sample_result_set
from fangkong.quarantine.services.transfers import transfer_decide, transfer_depart
from fangkong.quarantine.views.common import today, visible_placement, visible_room


def _error_text(error: ValidationError | Conflict) -> str:
    if isinstance(error, Conflict):
        return error.message
    return "；".join(error.messages)


def _person_from(form: StyledForm, by: Any) -> Person:
    """The person a form names by ID document: the registered one, or registered now. Call it
    in the transaction of the placement it serves: a refused placement registers nobody."""
    data = form.cleaned_data
    return person_register(
        name=data["name"],
        id_type=data["id_type"],
        id_number=data["id_number"],
        phone=data.get("phone", ""),
        by=by,
    ).person


@capability_required("quarantine.view")
def placement_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    audit_read(by=request.user, action="person.view", obj=placement.person)
    tests = list(scheduled_tests_of(placement))
    free_rooms = Room.objects.filter(site=placement.room.site).free().order_by("floor", "number")
    transfer = Transfer.objects.filter(placement=placement).select_related("hospital").first()
    context = {
        "site": placement.room.site,
        "tab": "floors",
        "placement": placement,
        "centralized": [t for t in tests if t.phase == ObservationPhase.CENTRALIZED],
        "home": [t for t in tests if t.phase == ObservationPhase.HOME],
        "observations": list(person_observations(placement)[:40]),
        "blockers": release_blockers(placement=placement, day=today())
        if placement.is_active
        else [],
        "positive": any(t.outcome == Outcome.POSITIVE for t in tests),
        "home_now": placement.in_home_monitoring(today()),
        "transfer": transfer,
        "companions": list(placement.companions.filter(ended_at__isnull=True)),
        "move_form": MoveForm(rooms=free_rooms),
        "transfer_form": TransferForm(),
        "depart_form": DepartForm(),
        "companion_form": CompanionForm(),
        "sample_form": SampleForm(),
        "results_form": ResultsForm(),
        "review_flags": list(placement.review_flags.filter(resolved_at__isnull=True)),
    }
    return render(request, "quarantine/placement.html", context)


@capability_required("quarantine.operate")
def placement_create_page(request: AuthenticatedRequest, room_pk: int) -> HttpResponse:
    """Place one person in a free room (batches use the intake page); a room nobody can be
    placed in says why instead of offering the form."""
    room = visible_room(request, room_pk)
    refusal = room_refusal(room)
    form = PlacementForm(request.POST or None) if refusal is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = placement_start_registering(
                name=data["name"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                phone=data.get("phone", ""),
                room=room,
                category=data["category"],
                starts_at=data["starts_at"],
                last_exposure_at=data["last_exposure_at"],
                arrival_at=data["arrival_at"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                _("%(name)s 已入住 %(room)s。")
                % {"name": placement.person.name, "room": room.number},
            )
            return redirect("quarantine:placement", pk=placement.pk)
    return render(
        request,
        "quarantine/placement_form.html",
        {
            "site": room.site,
            "room": room,
            "form": form,
            "refusal": _error_text(refusal) if refusal is not None else "",
            "tab": "floors",
        },
        status=409 if refusal is not None and request.method == "POST" else 200,
    )


def _back(placement_pk: int) -> HttpResponse:
    return redirect("quarantine:placement", pk=placement_pk)


@require_POST
@capability_required("quarantine.operate")
def release_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    try:
        placement_release(placement=placement, by=request.user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("已解除隔离，可打印解除隔离证明。"))
    return _back(placement.pk)


@require_POST
@capability_required("quarantine.operate")
def move_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    rooms = Room.objects.filter(site=placement.room.site).free()
    form = MoveForm(request.POST, rooms=rooms)
    if not form.is_valid():
        messages.error(request, _("请选择空闲房间和调换时间。"))
        return _back(placement.pk)
    try:
        moved = placement_move(
            placement=placement,
            room=form.cleaned_data["room"],
            moved_at=form.cleaned_data["moved_at"],
            by=request.user,
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
        return _back(placement.pk)
    messages.success(request, _("已调换至 %s，请重新打印房间卡。") % moved.room.number)
    return _back(moved.pk)


@require_POST
@capability_required("quarantine.operate")
def transfer_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        positive = (
            Sample.objects.filter(test__placement=placement, specimen__result=SampleResult.POSITIVE)
            .order_by("-specimen__sampled_at")
            .first()
        )
        try:
            transfer_decide(
                placement=placement, positive_sample=positive, by=request.user, **form.cleaned_data
            )
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("已安排闭环转运。"))
    else:
        messages.error(request, _("请选择医院并填写转运原因。"))
    return _back(placement.pk)


@require_POST
@capability_required("quarantine.operate")
def depart_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    transfer = Transfer.objects.filter(placement=placement).first()
    if transfer is None:
        raise Http404
    form = DepartForm(request.POST)
    if form.is_valid():
        try:
            transfer_depart(transfer=transfer, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("已登记出发，房间已释放。"))
    return _back(placement.pk)


@require_POST
@capability_required("quarantine.operate")
def companion_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    form = CompanionForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                companion_start(
                    placement=placement,
                    person=_person_from(form, request.user),
                    starts_at=form.cleaned_data["starts_at"],
                    reason=form.cleaned_data["reason"],
                    dependant=form.cleaned_data["dependant"],
                    approved_by=request.user,
                    by=request.user,
                )
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("已安排陪护。"))
    else:
        messages.error(request, _("请完整填写陪护人员信息和理由。"))
    return _back(placement.pk)


@require_POST
@capability_required("quarantine.operate")
def sample_action(request: AuthenticatedRequest, pk: int, test_pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    try:
        test = NucleicAcidTest.objects.get(pk=test_pk, placement=placement)
    except NucleicAcidTest.DoesNotExist as error:
        raise Http404 from error
    form = SampleForm(request.POST)
    if form.is_valid():
        try:
            sample_record(test=test, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("已登记采样。"))
    else:
        messages.error(request, _("请填写采样时间和检测机构。"))
    return _back(placement.pk)


@require_POST
@capability_required("quarantine.operate")
def result_action(request: AuthenticatedRequest, pk: int, sample_pk: int) -> HttpResponse:
    placement = visible_placement(request, pk)
    try:
        sample = Sample.objects.get(pk=sample_pk, test__placement=placement)
    except Sample.DoesNotExist as error:
        raise Http404 from error
    form = ResultsForm(request.POST)
    if form.is_valid():
        try:
            sample_result_set(sample=sample, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
    return _back(placement.pk)


@capability_required("quarantine.view")
def certificate_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The printable release certificate (解除隔离证明), only once released."""
    placement = visible_placement(request, pk)
    if placement.end_reason != PlacementEnd.RELEASED:
        raise Http404
    audit_read(by=request.user, action="person.view", obj=placement.person)
    first = placement
    while first.moved_from_id is not None:
        first = first.moved_from  # type: ignore[assignment]
    tests = list(scheduled_tests_of(placement).filter(phase=ObservationPhase.CENTRALIZED))
    return render(
        request,
        "quarantine/certificate.html",
        {
            "placement": placement,
            "site": placement.room.site,
            "started": first.starts_at,
            "tests": tests,
            "number": f"JC{timezone.localdate(placement.ended_at).year}-{placement.pk:07d}",
            "can_operate": user_can(request.user, "quarantine.operate"),
        },
    )
