from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.forms import (
    BulkPlaceForm,
    ControlRecordForm,
    DismissForm,
    NotifyForm,
    PlaceForm,
)
from fangkong.cases.models import Contact, ContactStatus
from fangkong.cases.selectors.cases import case_list
from fangkong.cases.selectors.contacts import (
    contact_list,
    control_overdue_by_district,
    with_identities,
)
from fangkong.cases.services.contacts import (
    contact_confirm,
    contact_control_record,
    contact_dismiss,
    contact_notify,
    contact_place,
    contact_release,
    contacts_confirm,
    contacts_place,
    free_rooms,
)
from fangkong.cases.views.common import say_refusal, visible_case, visible_contact
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.models import AuditEvent
from fangkong.core.rendering import is_htmx
from fangkong.jurisdictions.selectors import district_from_param
from fangkong.quarantine.models import Site, SiteStatus


def _shown(request: AuthenticatedRequest, pk: int) -> Contact:
    """The contact the viewer may see, its person masked as cases.identities says."""
    return with_identities(viewer=request.user, contacts=[visible_contact(request, pk)])[0]


def _row(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    contact = _shown(request, contact.pk)
    return render(
        request,
        "cases/_contact_row.html",
        {
            "contact": contact,
            "now": timezone.now(),
        },
    )


def _done(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    if is_htmx(request):
        return _row(request, contact)
    return redirect("cases:contact", pk=contact.pk)


@capability_required("cases.view")
def contact_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = _shown(request, pk)
    now = timezone.now()
    local_now = timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "cases/contact_detail.html",
        {
            "contact": contact,
            "now": now,
            "dismiss_form": DismissForm(),
            "notify_form": NotifyForm(),
            "control_form": ControlRecordForm(initial={"at": local_now}),
            "place_form": PlaceForm(),
            "others": contact_list(viewer=request.user)
            .filter(person=contact.person)
            .exclude(pk=contact.pk),
            "history": AuditEvent.objects.for_object(contact).order_by("at")[:50],
        },
    )


@require_POST
@capability_required("cases.investigate")
def contact_confirm_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = visible_contact(request, pk)
    try:
        contact_confirm(contact=contact, by=request.user)
    except (ValidationError, Conflict) as error:
        say_refusal(request, error)
    return _done(request, contact)


@require_POST
@capability_required("cases.investigate")
def contact_dismiss_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = visible_contact(request, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写排除理由"))
        return _done(request, contact)
    try:
        contact_dismiss(contact=contact, reason=form.cleaned_data["reason"], by=request.user)
    except (ValidationError, Conflict) as error:
        say_refusal(request, error)
    return _done(request, contact)


@require_POST
@capability_required("cases.control")
def contact_notify_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = visible_contact(request, pk)
    form = NotifyForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        contact_notify(contact=contact, note=note, by=request.user)
    except (ValidationError, Conflict) as error:
        say_refusal(request, error)
    return _done(request, contact)


@require_POST
@capability_required("cases.control")
def contact_control_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = visible_contact(request, pk)
    form = ControlRecordForm(request.POST)
    if form.is_valid():
        try:
            contact_control_record(
                contact=contact,
                note=form.cleaned_data["note"],
                at=form.cleaned_data["at"],
                by=request.user,
            )
        except (ValidationError, Conflict) as error:
            say_refusal(request, error)
    else:
        messages.error(request, _("请说明管控方式和地点"))
    return redirect("cases:contact", pk=contact.pk)


@require_POST
@capability_required("cases.control")
def contact_release_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = visible_contact(request, pk)
    try:
        contact_release(contact=contact, by=request.user)
    except (ValidationError, Conflict) as error:
        say_refusal(request, error)
    return redirect("cases:contact", pk=contact.pk)


@capability_required("cases.control")
def contact_place_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Into a chosen room of a site (the quarantine area's placement_start)."""
    contact = _shown(request, pk)
    if not contact.awaits_control:
        # Placed, under control, released or dismissed: the service would refuse the form.
        messages.error(
            request,
            _("%(person)s 当前状态为「%(status)s」，不能%(doing)s")
            % {
                "person": contact.shown.name,
                "status": contact.get_status_display(),
                "doing": _("安排隔离"),
            },
        )
        return redirect("cases:contact", pk=contact.pk)
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = form.cleaned_data["room"]
        if room.site_id != form.cleaned_data["site"].pk:
            form.add_error("room", _("房间不属于所选隔离点"))
        else:
            try:
                placement = contact_place(contact=contact, room=room, by=request.user)
            except ValidationError as error:
                apply_validation_error(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(person)s 已安排至 %(site)s %(room)s。")
                    % {
                        "person": contact.shown.name,
                        "site": placement.room.site.name,
                        "room": placement.room.number,
                    },
                )
                return redirect("cases:contact", pk=contact.pk)
    return render(request, "cases/contact_place.html", {"contact": contact, "form": form})


@capability_required("cases.control")
def free_room_options(request: AuthenticatedRequest) -> HttpResponse:
    """The `<option>`s of a site's free rooms (the room select follows the site select)."""
    site = Site.objects.filter(pk=request.GET.get("site") or 0, status=SiteStatus.IN_USE).first()
    rooms = free_rooms(site) if site is not None else []
    return render(request, "cases/_room_options.html", {"rooms": rooms})


@require_POST
@capability_required("cases.investigate")
def contacts_bulk_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Confirm, or place at a site, the contacts ticked in a case's list."""
    case = visible_case(request, pk)
    chosen = list(
        contact_list(viewer=request.user, case=case).filter(
            pk__in=[v for v in request.POST.getlist("contact") if v.isdigit()]
        )
    )
    if not chosen:
        messages.error(request, _("请先勾选人员"))
        return redirect("cases:detail", pk=case.pk)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            proposals = [c for c in chosen if c.status == ContactStatus.PROPOSED]
            done = contacts_confirm(contacts=proposals, by=request.user)
            messages.success(request, _("已判定 %s 人。") % len(done))
        elif action == "place":
            form = BulkPlaceForm(request.POST)
            if not form.is_valid() or not request.user.can("cases.control"):
                messages.error(request, _("请选择隔离点"))
                return redirect("cases:detail", pk=case.pk)
            placements = contacts_place(
                contacts=chosen, site=form.cleaned_data["site"], by=request.user
            )
            messages.success(
                request,
                _("已安排 %(n)s 人至 %(site)s。")
                % {"n": len(placements), "site": form.cleaned_data["site"].name},
            )
        else:
            messages.error(request, _("未知操作"))
    except (ValidationError, Conflict) as error:
        say_refusal(request, error)
    return redirect("cases:detail", pk=case.pk)


@capability_required("cases.view")
def overdue_page(request: AuthenticatedRequest) -> HttpResponse:
    """Contacts past the control deadline by district, and cases past their targets."""
    now = timezone.now()
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    cases = case_list(viewer=request.user, district=district)
    return render(
        request,
        "cases/overdue.html",
        {
            "now": now,
            "district": district,
            "districts": control_overdue_by_district(
                viewer=request.user, now=now, district=district
            ),
            "report_overdue": list(cases.report_overdue(now).order_by("detected_at")[:200]),
            "investigation_overdue": list(
                cases.investigation_overdue(now).order_by("reported_at", "detected_at")[:200]
            ),
        },
    )
