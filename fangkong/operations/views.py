"""The page "后台任务": the user's own background work, its progress polled by htmx, and the
download of its file (the requester only, audited)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.rendering import render_page
from fangkong.operations.background import result_path, work_kind
from fangkong.operations.models import BackgroundWork, BackgroundWorkStatus
from fangkong.operations.selectors import SHOWN, work_get, works_of
from fangkong.operations.services.background import work_download


def _label(key: str) -> str:
    kind = work_kind(key)
    return str(kind.label) if kind is not None else key


@capability_required("account.view")
def work_list(request: AuthenticatedRequest) -> HttpResponse:
    works = list(works_of(viewer=request.user)[:SHOWN])
    rows = [(w, _label(w.kind)) for w in works]
    return render_page(
        request,
        "operations/work_list.html",
        {"rows": rows, "polling": any(w.is_active for w in works)},
        fragment="operations/_work_rows.html",
    )


@capability_required("account.view")
def work_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    try:
        work = work_get(viewer=request.user, pk=pk)
    except BackgroundWork.DoesNotExist as error:
        raise Http404 from error
    if work.status != BackgroundWorkStatus.DONE or not work.result_path:
        raise Http404
    try:
        # Opened before the audit row: the expiry job may have removed the file meanwhile.
        handle = result_path(work).open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    work_download(work=work, by=request.user)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=work.result_name,
        content_type=work.result_type or "application/octet-stream",
    )
