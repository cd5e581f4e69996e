from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.alerts.models import Alert
from fangkong.alerts.selectors import alert_list
from fangkong.alerts.services import alert_resolve
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import is_htmx, render_page
from fangkong.jurisdictions.selectors import district_from_param


@capability_required("alert.view")
def alert_list_page(request: AuthenticatedRequest) -> HttpResponse:
    open_only = request.GET.get("show") != "all"
    # A district's alerts (the command screen's feed links here with its id).
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    page = keyset_page(
        alert_list(viewer=request.user, open_only=open_only, district=district),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    return render_page(
        request,
        "alerts/alert_list.html",
        {
            "page": page,
            "open_only": open_only,
            "district": district,
            "query": urlencode(
                {
                    k: v
                    for k, v in {
                        "show": "" if open_only else "all",
                        "district": district.pk if district else "",
                    }.items()
                    if v
                }
            ),
        },
        fragment="alerts/_alert_table.html",
    )


@capability_required("alert.view")
def alert_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One alert (the command screen's feed links each of its alerts here): what, where,
    since when, what it is about, and its handling."""
    try:
        alert = (
            alert_list(viewer=request.user, open_only=False)
            .select_related("jurisdiction", "unit", "resolved_by")
            .get(pk=pk)
        )
    except Alert.DoesNotExist as error:
        raise Http404 from error
    return render(request, "alerts/alert_detail.html", {"alert": alert})


@require_POST
@capability_required("alert.resolve")
def alert_resolve_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        alert = alert_list(viewer=request.user, open_only=False).get(pk=pk)
    except Alert.DoesNotExist as error:
        raise Http404 from error
    try:
        alert = alert_resolve(alert=alert, note=request.POST.get("note", ""), by=request.user)
    except Conflict:
        alert.refresh_from_db()
    if not is_htmx(request):  # the detail page's plain form
        return redirect(alert)
    return render(request, "alerts/_alert_row.html", {"alert": alert})
