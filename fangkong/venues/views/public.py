"""The check-in page behind a venue's QR code: no login, small screen first, one tap in and
one tap out. The phone remembers who the visitor is in a signed cookie holding only the
person's record number and a masked label (never a name or a full number)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.ratelimit import rate_limited
from fangkong.core.request_context import Origin, client_ip, origin_scope
from fangkong.people.masking import mask_id_number, mask_phone
from fangkong.people.models import Person
from fangkong.people.phone import normalize_phone
from fangkong.venues.forms import PublicIdentityForm, PublicRegisterForm
from fangkong.venues.models import Venue
from fangkong.venues.services.checkins import (
    IdentityNeeded,
    checkin_enter,
    checkin_leave,
    open_stay,
    refusal,
    visitor_find,
    visitor_register,
)

COOKIE = "fk_visitor"
SALT = "fangkong.venues.visitor"


def _remember_for() -> int:
    return int(dt.timedelta(days=settings.FANGKONG_VENUE_VISITOR_REMEMBER_DAYS).total_seconds())


def _remembered(request: HttpRequest) -> tuple[Person | None, str]:
    try:
        raw = request.get_signed_cookie(COOKIE, salt=SALT, max_age=_remember_for())
        person_id, label = json.loads(raw or "")
    except (KeyError, signing.BadSignature, ValueError, TypeError):
        return None, ""
    person = Person.objects.filter(pk=person_id).first()
    return person, str(label) if person is not None else ""


def _remember(response: HttpResponse, person: Person, label: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        json.dumps([person.pk, label]),
        salt=SALT,
        max_age=_remember_for(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _label(typed: str) -> str:
    text = typed.replace(" ", "")
    if text.isdigit() and len(text) == 11:
        try:
            return mask_phone(normalize_phone(text))
        except ValidationError:
            return ""
    return mask_id_number(text.upper())


def _origin(request: HttpRequest) -> Origin:
    return Origin(
        channel="public",
        label=request.path[:200],
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def _page(
    request: HttpRequest, venue: Venue, extra: dict[str, Any], status: int = 200
) -> HttpResponse:
    person, label = _remembered(request)
    now = timezone.now()
    stay = open_stay(venue=venue, person=person, at=now) if person is not None else None
    context = {
        "venue": venue,
        "refusal": refusal(venue, now),
        "visitor_label": label,
        "stay": stay,
        "done": request.GET.get("ok", ""),
        "identity_form": PublicIdentityForm(),
        **extra,
    }
    return render(request, "venues/public_checkin.html", context, status=status)


def _tap(request: HttpRequest, venue: Venue, person: Person, label: str) -> HttpResponse:
    try:
        with origin_scope(_origin(request)):
            checkin_enter(venue=venue, person=person, by=None)
    except Conflict as refused:
        return _page(request, venue, {"error": refused.message}, status=409)
    response = redirect(f"{venue.checkin_path()}?ok=in")
    _remember(response, person, label)
    return response


@never_cache
@rate_limited("venues.checkin", limit=lambda: settings.FANGKONG_VENUE_CHECKIN_RATE_PER_MINUTE)
def public_checkin(request: HttpRequest, code: str) -> HttpResponse:
    venue = Venue.objects.filter(code=code).first()
    if venue is None:
        raise Http404
    if request.method != "POST":
        return _page(request, venue, {})
    action = request.POST.get("action", "")
    if action == "forget":
        response = redirect(venue.checkin_path())
        response.delete_cookie(COOKIE)
        return response
    if action in ("enter", "leave"):
        person, label = _remembered(request)
        if person is None:
            return redirect(venue.checkin_path())
        if action == "enter":
            return _tap(request, venue, person, label)
        try:
            with origin_scope(_origin(request)):
                checkin_leave(venue=venue, person=person, by=None)
        except Conflict as refused:
            return _page(request, venue, {"error": refused.message}, status=409)
        return redirect(f"{venue.checkin_path()}?ok=out")
    if action == "identify":
        form = PublicIdentityForm(request.POST)
        if form.is_valid():
            typed = form.cleaned_data["identity"]
            try:
                person = visitor_find(phone_or_id=typed)
            except IdentityNeeded:
                digits = typed.replace(" ", "")
                initial = {"phone": digits} if len(digits) == 11 else {"id_number": digits}
                return _page(request, venue, {"register_form": PublicRegisterForm(initial=initial)})
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return _tap(request, venue, person, _label(typed))
        return _page(request, venue, {"identity_form": form}, status=400)
    if action == "register":
        register = PublicRegisterForm(request.POST)
        if register.is_valid():
            data = register.cleaned_data
            try:
                with origin_scope(_origin(request)):
                    person = visitor_register(
                        name=data["name"], id_number=data["id_number"], phone=data["phone"]
                    )
            except ValidationError as error:
                apply_validation_error(register, error)
            else:
                return _tap(request, venue, person, _label(data["phone"] or data["id_number"]))
        return _page(request, venue, {"register_form": register}, status=400)
    return redirect(venue.checkin_path())
