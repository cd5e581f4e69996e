from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.audit import audit_read
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.core.tabular import TableRejected, read_table
from fangkong.core.tabular_export import csv_response, xlsx_response
from fangkong.people.exporting import person_export_header, person_export_rows
from fangkong.people.forms import PersonEditForm, PersonForm, PersonImportForm
from fangkong.people.importing import PERSON_COLUMNS, person_import
from fangkong.people.models import Person
from fangkong.people.panels import person_panels
from fangkong.people.selectors import may_see_identifiers, person_get, person_list
from fangkong.people.services import person_register, person_update


def _visible_person(request: AuthenticatedRequest, pk: int) -> Person:
    try:
        return person_get(viewer=request.user, pk=pk)
    except Person.DoesNotExist as error:
        raise Http404 from error


@capability_required("person.view")
def person_list_page(request: AuthenticatedRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page = keyset_page(
        person_list(viewer=request.user, search=search),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=settings.FANGKONG_LIST_PAGE_SIZE,
    )
    context = {
        "page": page,
        "search": search,
        "query": urlencode({"q": search}) if search else "",
        "full_identifiers": may_see_identifiers(request.user),
    }
    return render_page(
        request, "people/person_list.html", context, fragment="people/_person_table.html"
    )


@capability_required("person.view")
def person_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    audit_read(by=request.user, action="person.view", obj=person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "full_identifiers": may_see_identifiers(request.user),
            "panels": person_panels(request, person),
        },
    )


@capability_required("person.edit")
def person_create_page(request: AuthenticatedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registration = person_register(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if not registration.created:
                messages.info(request, _("该证件号码已登记，已打开现有档案。"))
            return redirect("people:detail", pk=registration.person.pk)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@capability_required("person.edit")
def person_edit_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    initial = {
        "name": person.name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "phone": person.phone_display,
        "address": person.address,
        "home_jurisdiction": person.home_jurisdiction,
    }
    form = PersonEditForm(request.POST or None, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_update(
                person=person,
                by=request.user,
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                home_jurisdiction=data["home_jurisdiction"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "creating": False, "person": person}
    )


@capability_required("person.import")
def person_import_page(request: AuthenticatedRequest) -> HttpResponse:
    form = PersonImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "columns": PERSON_COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload, upload.name, PERSON_COLUMNS)
            result = person_import(rows=rows, filename=upload.name, by=request.user)
        except TableRejected as rejected:
            context["errors"] = rejected.errors
            return render(request, "people/person_import.html", context, status=400)
        context["result"] = result
    return render(request, "people/person_import.html", context)


@capability_required("person.export")
def person_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    queryset = person_list(viewer=request.user, search=request.GET.get("q", ""))
    rows = person_export_rows(queryset, full=may_see_identifiers(request.user))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        return xlsx_response(
            f"人员名单-{stamp}.xlsx", person_export_header(), rows, title=_("人员名单")
        )
    return csv_response(f"人员名单-{stamp}.csv", person_export_header(), rows)
