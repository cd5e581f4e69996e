"""The HQ's page action answering a person's access request (PIPL): one JSON file with
everything the platform holds about the person, audited."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.people.models import Person
from fangkong.people.selectors import person_get
from fangkong.people.subject_export import subject_document, subject_json

SUBJECT_EXPORT = "person.subject_export"


@require_POST
@capability_required(SUBJECT_EXPORT)
def person_subject_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        person = person_get(viewer=request.user, pk=pk)
    except Person.DoesNotExist as error:
        raise Http404 from error
    document = subject_document(person=person, by=request.user)
    response = HttpResponse(subject_json(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-data.json"'
    return response
