"""What the area's pages share: the case or contact the viewer may see (404 otherwise),
the register-or-find of a person from a form, and how a refused write reaches the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.models import Case, Contact
from fangkong.cases.selectors.cases import case_get
from fangkong.cases.selectors.contacts import contact_get
from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.people.services import person_register


def visible_case(request: AuthenticatedRequest, pk: int) -> Case:
    try:
        return case_get(viewer=request.user, pk=pk)
    except Case.DoesNotExist as error:
        raise Http404 from error


def visible_contact(request: AuthenticatedRequest, pk: int) -> Contact:
    try:
        return contact_get(viewer=request.user, pk=pk)
    except Contact.DoesNotExist as error:
        raise Http404 from error


def register_person(request: AuthenticatedRequest, fields: dict[str, Any]) -> Person:
    """The person with this ID document, registered now if the platform does not know them."""
    return person_register(by=request.user, **fields).person


def say_refusal(request: HttpRequest, error: Conflict | ValidationError) -> None:
    text = error.message if isinstance(error, Conflict) else "；".join(error.messages)
    messages.error(request, text)
