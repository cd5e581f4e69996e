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

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.forms import ContactAddForm, InvestigationForm, ItineraryForm
from fangkong.cases.models import Case, ContactSource, ItineraryEntry
from fangkong.cases.selectors.cases import case_timeline, investigation_of
from fangkong.cases.selectors.contacts import contact_list, via_choices, with_identities
from fangkong.cases.services.contacts import contact_add
from fangkong.cases.services.investigations import (
    investigation_complete,
    investigation_update,
    itinerary_add,
    itinerary_from_checkins,
    itinerary_remove,
)
from fangkong.cases.views.common import register_person, say_refusal, visible_case
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.venues.models import Venue


def _page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    itinerary_form: ItineraryForm | None = None,
    contact_form: ContactAddForm | None = None,
    investigation_form: InvestigationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    investigation = investigation_of(case)
    now = timezone.now()
    context: dict[str, Any] = {
        "now": now,
        "case": case,
        "investigation": investigation,
        "timeline": case_timeline(case, now),
        "itinerary": investigation.itinerary.select_related("venue", "recorded_by"),
        "interviewed": with_identities(
            viewer=request.user,
            contacts=contact_list(viewer=request.user, case=case)
            .filter(source=ContactSource.INTERVIEW)
            .order_by("degree", "pk"),
        ),
        "itinerary_form": itinerary_form or ItineraryForm(),
        "contact_form": contact_form or ContactAddForm(via_choices=via_choices(case)),
        "investigation_form": investigation_form
        or InvestigationForm(
            initial={
                "investigator": investigation.investigator,
                "likely_source": investigation.likely_source,
                "summary": investigation.summary,
            }
        ),
    }
    return render(request, "cases/investigation.html", context, status=status)


@capability_required("cases.view")
def investigation_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _page(request, visible_case(request, pk))


@require_POST
@capability_required("cases.investigate")
def investigation_save_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    form = InvestigationForm(request.POST)
    if not form.is_valid():
        return _page(request, case, investigation_form=form, status=400)
    investigation_update(investigation=investigation_of(case), by=request.user, **form.cleaned_data)
    if request.POST.get("complete"):
        try:
            investigation_complete(investigation=investigation_of(case), by=request.user)
        except (ValidationError, Conflict) as error:
            say_refusal(request, error)
            return redirect("cases:investigation", pk=case.pk)
        messages.success(request, _("流调已完成。"))
    else:
        messages.success(request, _("已保存。"))
    return redirect("cases:investigation", pk=case.pk)


@require_POST
@capability_required("cases.investigate")
def itinerary_add_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    form = ItineraryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        venue = None
        code = data["venue_code"].strip()
        if code:
            venue = Venue.objects.filter(code=code).first()
            if venue is None:
                form.add_error("venue_code", _("没有场所码为 %s 的场所") % code)
        if not form.errors:
            try:
                itinerary_add(
                    investigation=investigation_of(case),
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    venue=venue,
                    place=data["place"],
                    activity=data["activity"],
                    companions=data["companions"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("cases:investigation", pk=case.pk)
    return _page(request, case, itinerary_form=form, status=400)


@require_POST
@capability_required("cases.investigate")
def itinerary_import_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    try:
        entries = itinerary_from_checkins(investigation=investigation_of(case), by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("已从场所码导入 %s 条轨迹。") % len(entries))
    return redirect("cases:investigation", pk=case.pk)


@require_POST
@capability_required("cases.investigate")
def itinerary_remove_action(request: AuthenticatedRequest, pk: int, entry: int) -> HttpResponse:
    case = visible_case(request, pk)
    found = ItineraryEntry.objects.filter(pk=entry, investigation__case=case).first()
    if found is None:
        raise Http404
    try:
        itinerary_remove(entry=found, by=request.user)
    except Conflict as error:
        say_refusal(request, error)
    return redirect("cases:investigation", pk=case.pk)


@require_POST
@capability_required("cases.investigate")
def contact_add_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A contact named in the interview; the person is found by ID document or registered."""
    case = visible_case(request, pk)
    form = ContactAddForm(request.POST, via_choices=via_choices(case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = register_person(request, form.person_fields())
                contact_add(
                    case=case,
                    person=person,
                    degree=data["degree"],
                    via=data["via"],
                    category=data["category"],
                    first_exposure=data["first_exposure"],
                    last_exposure=data["last_exposure"],
                    evidence=data["evidence"],
                    by=request.user,
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已登记 %s。") % person.name)
            return redirect("cases:investigation", pk=case.pk)
    return _page(request, case, contact_form=form, status=400)
