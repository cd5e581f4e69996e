"""The venue registry pages: list and figures, detail with live occupancy and the day's
curve, registration, import, rooms, the poster, and the over-limit list."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.scope import scope_of
from fangkong.core.conf import core_settings
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.qr import qr_svg
from fangkong.core.rendering import render_page
from fangkong.core.tabular import TableRejected, read_table
from fangkong.jurisdictions.selectors import district_from_param
from fangkong.operations.conf import operations_settings
from fangkong.operations.services.background import work_start
from fangkong.venues.background import VENUE_IMPORT
from fangkong.venues.conf import venues_settings
from fangkong.venues.forms import (
    ActionForm,
    OverLimitForm,
    RoomForm,
    VenueFilterForm,
    VenueForm,
    VenueImportForm,
)
from fangkong.venues.limits import Limits
from fangkong.venues.models import Venue, VenueRoom
from fangkong.venues.posters import checkin_url
from fangkong.venues.selectors.figures import venue_figures
from fangkong.venues.selectors.inspections import action_list, closure_in_force, inspection_list
from fangkong.venues.selectors.occupancy import (
    occupancy_by_venue,
    occupancy_curve,
    over_limit_list,
    venue_occupancy_row,
)
from fangkong.venues.selectors.venues import may_manage_venue, venue_get, venue_list
from fangkong.venues.services.enforcement import latest_reinspection
from fangkong.venues.services.importing import VENUE_COLUMNS, venue_import
from fangkong.venues.services.venues import (
    venue_code_renew,
    venue_create,
    venue_room_add,
    venue_room_remove,
    venue_update,
)


def _visible(request: AuthenticatedRequest, pk: int) -> Venue:
    try:
        return venue_get(viewer=request.user, pk=pk)
    except Venue.DoesNotExist as error:
        raise Http404 from error


def _managed(request: AuthenticatedRequest, pk: int) -> Venue:
    venue = _visible(request, pk)
    if not may_manage_venue(request.user, venue):
        raise PermissionDenied
    return venue


@capability_required("venue.view")
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The area's main page: figures and the over-limit list for those who watch an area;
    a venue manager's own venues with their live occupancy."""
    form = VenueFilterForm(request.GET or None, viewer=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    venues = venue_list(
        viewer=request.user,
        search=filters.get("q") or "",
        category=filters.get("category") or "",
        status=filters.get("status") or "",
        district=filters.get("district"),
    )
    page = keyset_page(
        venues,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    now = timezone.now()
    limits = Limits(now, venue_ids=[v.pk for v in page.items])
    counts = occupancy_by_venue(
        at=now, venues=Venue.objects.filter(pk__in=[v.pk for v in page.items])
    )
    rows = [(v, counts.get(v.pk, 0), limits.basis(v)) for v in page.items]
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "area_view": user_can(request.user, "venue.view_area"),
        "refresh_seconds": venues_settings().live_refresh_seconds,
    }
    if context["area_view"] and not request.headers.get("HX-Request"):
        figures = venue_figures(viewer=request.user)
        context["figures"] = figures
        context["category_table"] = figures.category_table()
    return render_page(request, "venues/home.html", context, fragment="venues/_venue_table.html")


@capability_required("venue.view")
def over_limit_page(request: AuthenticatedRequest) -> HttpResponse:
    """Venues above their limit, now (refreshing itself) or at a chosen instant."""
    form = OverLimitForm(request.GET or None)
    at = form.cleaned_data.get("at") if form.is_valid() else None
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    rows = over_limit_list(viewer=request.user, at=at, district=district)
    context = {
        "form": form,
        "district": district,
        "rows": rows,
        "at": at or timezone.now(),
        "live": at is None,
        "refresh_seconds": venues_settings().live_refresh_seconds,
    }
    return render_page(
        request, "venues/over_limit.html", context, fragment="venues/_over_limit.html"
    )


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@capability_required("venue.view")
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _visible(request, pk)
    day = _day(request.GET.get("day"))
    now = timezone.now()
    live = venue_occupancy_row(venue, at=now)
    limits = Limits(now, venue_ids=[venue.pk])
    rooms = [(room, limits.room_limit(room)) for room in venue.rooms.select_related("venue")]
    closure = closure_in_force(venue)
    reinspection = latest_reinspection(venue, since=closure.issued_at) if closure else None
    context = {
        "venue": venue,
        "live": live,
        "rooms": rooms,
        "curve": occupancy_curve(venue, day=day).as_dict(),
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        "inspections": inspection_list(viewer=request.user, venue=venue).order_by("-inspected_at")[
            :20
        ],
        "actions": action_list(viewer=request.user, venue=venue).order_by("-issued_at")[:20],
        "closure": closure,
        "reinspection": reinspection,
        "may_manage": may_manage_venue(request.user, venue),
        "room_form": RoomForm(),
        "action_form": ActionForm(),
        "checkin_url": checkin_url(venue),
        "refresh_seconds": venues_settings().live_refresh_seconds,
    }
    return render(request, "venues/venue_detail.html", context)


@capability_required("venue.view")
def live_fragment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _visible(request, pk)
    return render(
        request, "venues/_live.html", {"live": venue_occupancy_row(venue), "venue": venue}
    )


@capability_required("venue.manage")
def create(request: AuthenticatedRequest) -> HttpResponse:
    form = VenueForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            venue = venue_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("场所已登记。"))
            return redirect(venue)
    return render(request, "venues/venue_form.html", {"form": form, "creating": True})


@capability_required("venue.manage")
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _managed(request, pk)
    initial = {
        "name": venue.name,
        "category": venue.category,
        "address": venue.address,
        "jurisdiction": venue.jurisdiction,
        "approved_capacity": venue.approved_capacity,
        "operator_unit": venue.operator_unit,
        "manager": venue.manager,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
    }
    form = VenueForm(request.POST or None, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            venue_update(venue=venue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(venue)
    return render(
        request, "venues/venue_form.html", {"form": form, "creating": False, "venue": venue}
    )


@capability_required("venue.manage")
def import_page(request: AuthenticatedRequest) -> HttpResponse:
    form = VenueImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "columns": VENUE_COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            rows = read_table(io.BytesIO(content), upload.name, VENUE_COLUMNS)
            if len(rows) > operations_settings().inline_rows:
                # Too long to check while the page waits: the worker imports it.
                work_start(
                    kind=VENUE_IMPORT,
                    params={},
                    by=request.user,
                    title=_("导入场所：%s") % upload.name,
                    upload=(upload.name, content),
                )
                messages.success(request, _("文件较大，已开始在后台导入，结果见本页。"))
                return redirect("operations:work_list")
            result = venue_import(
                rows=rows, filename=upload.name, scope=scope_of(request.user), by=request.user
            )
        except TableRejected as rejected:
            context["errors"] = rejected.errors
            return render(request, "venues/venue_import.html", context, status=400)
        context["result"] = result
    return render(request, "venues/venue_import.html", context)


@require_POST
@capability_required("venue.manage")
def room_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _managed(request, pk)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            venue_room_add(venue=venue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("包间已添加。"))
    else:
        messages.error(request, _("请填写包间名称、类型和核定容量。"))
    return redirect(venue)


@require_POST
@capability_required("venue.manage")
def room_remove(request: AuthenticatedRequest, pk: int, room_pk: int) -> HttpResponse:
    venue = _managed(request, pk)
    room = VenueRoom.objects.filter(venue=venue, pk=room_pk).first()
    if room is None:
        raise Http404
    venue_room_remove(room=room, by=request.user)
    messages.success(request, _("包间已删除。"))
    return redirect(venue)


@require_POST
@capability_required("venue.manage")
def code_renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _managed(request, pk)
    venue_code_renew(venue=venue, by=request.user)
    messages.warning(request, _("已生成新的场所码，请重新打印张贴码，旧码即时失效。"))
    return redirect(venue)


@capability_required("venue.view")
def poster(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    venue = _visible(request, pk)
    url = checkin_url(venue)
    return render(
        request,
        "venues/poster.html",
        {"venue": venue, "url": url, "qr": mark_safe(qr_svg(url, border=2, sized_by_css=True))},
    )
