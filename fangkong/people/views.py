from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.core.conf import core_settings
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.core.tabular import TableRejected, read_table
from fangkong.core.tabular_export import export_response
from fangkong.people.exporting import person_export_header, person_export_rows
from fangkong.people.forms import PersonEditForm, PersonForm, PersonImportForm, PersonRevealForm
from fangkong.people.importing import PERSON_COLUMNS, person_import
from fangkong.people.masking import Disclosure, person_shown
from fangkong.people.models import Person
from fangkong.people.panels import person_panels
from fangkong.people.selectors import (
    disclosure_for,
    person_get,
    person_list,
    person_reveal,
)
from fangkong.people.services import (
    PersonRegisteredElsewhere,
    person_register_in_scope,
    person_update,
)


def _visible_person(request: AuthenticatedRequest, pk: int) -> Person:
    try:
        return person_get(viewer=request.user, pk=pk)
    except Person.DoesNotExist as error:
        raise Http404 from error


@capability_required("person.view")
def person_list_page(request: AuthenticatedRequest) -> HttpResponse:
    """Persons, masked for every role (full numbers are opened one person at a time on the
    person's page); each request is one read audit row with the ids shown and the term."""
    search = request.GET.get("q", "")
    page = keyset_page(
        person_list(viewer=request.user, search=search),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    audit_read_many(
        by=request.user,
        action="person.list",
        model=Person,
        ids=[person.pk for person in page.items],
        detail={"q": search},
    )
    disclosure = disclosure_for(request.user)
    context = {
        "page": page,
        "shown": [person_shown(person, disclosure) for person in page.items],
        "search": search,
        "query": urlencode({"q": search}) if search else "",
    }
    return render_page(
        request, "people/person_list.html", context, fragment="people/_person_table.html"
    )


def _detail(
    request: AuthenticatedRequest,
    person: Person,
    disclosure: Disclosure,
    reveal_form: PersonRevealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "shown": person_shown(person, disclosure),
            "reveal_form": reveal_form or PersonRevealForm(),
            "panels": person_panels(request, person),
        },
        status=status,
    )


@capability_required("person.view")
def person_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    audit_read(by=request.user, action="person.view", obj=person)
    return _detail(request, person, disclosure_for(request.user))


@capability_required("person.view_identifiers")
def person_reveal_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The person's page with their full ID number and phone, once a reason is given (POST);
    the reveal is the audited read, so the page's own view row is not written again."""
    person = _visible_person(request, pk)
    if request.method != "POST":
        return redirect("people:detail", pk=person.pk)
    form = PersonRevealForm(request.POST)
    if form.is_valid():
        try:
            person_reveal(viewer=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return _detail(request, person, Disclosure.FULL, form)
    return _detail(request, person, disclosure_for(request.user), form, status=400)


@capability_required("person.edit")
def person_create_page(request: AuthenticatedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registration = person_register_in_scope(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except PersonRegisteredElsewhere as elsewhere:
            form.add_error("id_number", elsewhere.message)
        else:
            if not registration.created:
                messages.info(request, _("该证件号码已登记，已打开现有档案。"))
            return redirect("people:detail", pk=registration.person.pk)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@capability_required("person.edit")
def person_edit_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    if request.method != "POST":
        # The form holds the full phone and address to edit them: a read like the page's.
        audit_read(by=request.user, action="person.view", obj=person, after={"page": "edit"})
    initial = {
        "name": person.name,
        "id_type": person.id_type,
        # Shown only, never edited (a wrong one is fixed by a merge): no need for it in full.
        "id_number": person.masked_id_number,
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
    search = request.GET.get("q", "")
    queryset = person_list(viewer=request.user, search=search)
    return export_response(
        by=request.user,
        fmt=fmt,
        name=_("人员名单"),
        title=_("人员名单"),
        header=person_export_header(),
        rows=person_export_rows(queryset, disclosure=disclosure_for(request.user, full=True)),
        action="person.export",
        model=Person,
        count=queryset.count(),
        filters={"q": search},
    )
