from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.roles import Role
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.qr import qr_svg
from fangkong.core.rendering import render_page
from fangkong.jurisdictions.selectors import district_from_param
from fangkong.quarantine.cards import report_url
from fangkong.quarantine.forms import RoomsForm, SiteForm
from fangkong.quarantine.models import Batch, Placement, PlacementQuerySet
from fangkong.quarantine.selectors.figures import site_numbers, total_figures
from fangkong.quarantine.selectors.health import due_tests, latest_cutoff, missing_reports
from fangkong.quarantine.selectors.sites import floor_plan, site_list, site_open_alerts
from fangkong.quarantine.services.schemes import edition_display, edition_in_force
from fangkong.quarantine.services.sites import room_set_in_service, rooms_create, site_create
from fangkong.quarantine.views.common import now, today, visible_room, visible_site


@capability_required("quarantine.view")
def home(request: AuthenticatedRequest) -> HttpResponseBase:
    """Site staff land on their site; everyone else sees the sites in their part of the city,
    or in one district of it (the command screen links here with its id)."""
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    sites = list(site_list(viewer=request.user, district=district))
    if request.user.role == Role.SITE_STAFF and district is None and len(sites) == 1:
        return redirect("quarantine:site", pk=sites[0].pk)
    numbers = site_numbers(sites, day=today(), now=now())
    return render(
        request,
        "quarantine/home.html",
        {
            "numbers": numbers,
            "figures": total_figures(numbers, now=now()),
            "edition": edition_display(edition_in_force()),
            "district": district,
        },
    )


@capability_required("quarantine.view")
def site_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    numbers = site_numbers([site], day=today(), now=now())[0]
    cutoff = latest_cutoff(now())
    return render_page(
        request,
        "quarantine/site.html",
        {
            "site": site,
            "tab": "overview",
            "numbers": numbers,
            "figures": numbers.figures(),
            "floors": floor_plan(site),
            "alerts": site_open_alerts(site)[:20],
            "missing": list(missing_reports(site, cutoff)[:50]),
            "cutoff": cutoff,
            "due": list(due_tests(site, today())[:50]),
            "batches": Batch.objects.filter(site=site).order_by("-number")[:10],
        },
        fragment="quarantine/_site_live.html",
    )


@capability_required("quarantine.view")
def floor_page(request: AuthenticatedRequest, pk: int, floor: int) -> HttpResponse:
    site = visible_site(request, pk)
    return render(
        request,
        "quarantine/floor.html",
        {"site": site, "tab": "floors", "floor": floor, "floors": floor_plan(site, floor=floor)},
    )


@capability_required("quarantine.view")
def floor_plan_fragment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The floor plan alone (one floor with `?floor=`), which the site and floor pages
    include and htmx re-fetches every minute, so a wall screen shows arrivals and releases."""
    site = visible_site(request, pk)
    raw = request.GET.get("floor", "")
    floor = int(raw) if raw.lstrip("-").isdigit() else None
    return render(
        request,
        "quarantine/_floor_plan.html",
        {"site": site, "floor": floor, "floors": floor_plan(site, floor=floor)},
    )


@capability_required("quarantine.manage")
def site_create_page(request: AuthenticatedRequest) -> HttpResponse:
    form = SiteForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            site = site_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as conflict:
            form.add_error("name", conflict.message)
        else:
            messages.success(request, _("隔离点已登记，请添加房间。"))
            return redirect("quarantine:rooms_create", pk=site.pk)
    return render(request, "quarantine/site_form.html", {"form": form})


@capability_required("quarantine.manage")
def rooms_create_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    form = RoomsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rooms = rooms_create(site=site, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(request, _("已添加 %(n)s 间房。") % {"n": len(rooms)})
            return redirect("quarantine:site", pk=site.pk)
    return render(
        request, "quarantine/rooms_form.html", {"site": site, "form": form, "tab": "floors"}
    )


@capability_required("quarantine.view")
def room_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    room = visible_room(request, pk)
    history = (
        Placement.objects.filter(room=room).select_related("person").order_by("-starts_at")[:50]
    )
    return render(
        request,
        "quarantine/room.html",
        {
            "site": room.site,
            "room": room,
            "tab": "floors",
            "history": history,
            "current": [p for p in history if p.is_active],
        },
    )


@require_POST
@capability_required("quarantine.operate")
def room_service_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    room = visible_room(request, pk)
    try:
        room_set_in_service(
            room=room, in_service=request.POST.get("in_service") == "1", by=request.user
        )
    except Conflict as conflict:
        messages.error(request, conflict.message)
    return redirect("quarantine:room", pk=room.pk)


@capability_required("quarantine.view")
def room_card(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The printable card on the door: room number, and the occupant's self-report QR code."""
    room = visible_room(request, pk)
    cards = _cards(Placement.objects.active().filter(room=room))
    return render(request, "quarantine/cards.html", {"site": room.site, "cards": cards})


@capability_required("quarantine.view")
def site_cards(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    placements = Placement.objects.active().filter(room__site=site)
    floor = request.GET.get("floor")
    if floor and floor.lstrip("-").isdigit():
        placements = placements.filter(room__floor=int(floor))
    batch = request.GET.get("batch")
    if batch and batch.isdigit():
        placements = placements.filter(batch_id=int(batch))
    return render(request, "quarantine/cards.html", {"site": site, "cards": _cards(placements)})


def _cards(placements: PlacementQuerySet) -> list[dict[str, object]]:
    rows = placements.select_related("person", "room").order_by("room__floor", "room__number")
    cards = []
    for placement in rows:
        url = report_url(placement.report_token or "")
        cards.append({"placement": placement, "url": url, "qr": qr_svg(url)})
    return cards
