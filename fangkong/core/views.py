from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.conf import core_settings
from fangkong.core.forms import AuditFilterForm
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.core.selectors import audit_event_list


@capability_required("audit.view")
def audit_list_page(request: AuthenticatedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(viewer=request.user, **{k: v for k, v in filters.items() if v})
    page = keyset_page(
        events,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return render_page(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        fragment="core/_audit_table.html",
    )


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
