"""The check-in page behind a venue's QR code: no login, small screen first, one tap in and
one tap out.

The visitor gives name and ID number once; the phone then keeps a pass in a signed cookie: a
random token (its digest in `VisitorPass`), never a record number, a name or a full number.
The page answers the same whatever the registry holds about what was typed (see
`venues.models.visitors`): nobody learns there whether a number is registered or under which
name.
"""

from __future__ import annotations

import datetime as dt
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
from fangkong.venues.conf import venues_settings
from fangkong.venues.forms import PublicVisitorForm
from fangkong.venues.models import Venue, VisitorPass
from fangkong.venues.services.checkins import (
    refusal,
    visitor_check_in,
    visitor_enter,
    visitor_leave,
    visitor_open_stay,
    visitor_pass_find,
    visitor_pass_revoke,
)

COOKIE = "fk_visitor"
SALT = "fangkong.venues.visitor"


def _remember_for() -> int:
    return int(dt.timedelta(days=venues_settings().visitor_remember_days).total_seconds())


def _remembered(request: HttpRequest) -> VisitorPass | None:
    try:
        token = request.get_signed_cookie(COOKIE, salt=SALT, max_age=_remember_for())
    except (KeyError, signing.BadSignature):
        return None
    return visitor_pass_find(token=token) if token else None


def _remember(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        token,
        salt=SALT,
        max_age=_remember_for(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


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
    visitor_pass = _remembered(request)
    now = timezone.now()
    stay = (
        visitor_open_stay(venue=venue, visitor_pass=visitor_pass, at=now)
        if visitor_pass is not None
        else None
    )
    context = {
        "venue": venue,
        "refusal": refusal(venue, now),
        "visitor_label": visitor_pass.label if visitor_pass is not None else "",
        "stay": stay,
        "done": request.GET.get("ok", ""),
        "visitor_form": PublicVisitorForm(),
        **extra,
    }
    return render(request, "venues/public_checkin.html", context, status=status)


def _identify(request: HttpRequest, venue: Venue) -> HttpResponse:
    form = PublicVisitorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with origin_scope(_origin(request)):
                issued = visitor_check_in(
                    venue=venue,
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    replacing=_remembered(request),
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as refused:
            return _page(request, venue, {"error": refused.message}, status=409)
        else:
            response = redirect(f"{venue.checkin_path()}?ok=in")
            _remember(response, issued.token)
            return response
    return _page(request, venue, {"visitor_form": form}, status=400)


def _tap(request: HttpRequest, venue: Venue, action: str) -> HttpResponse:
    visitor_pass = _remembered(request)
    if visitor_pass is None:
        return redirect(venue.checkin_path())
    tap = visitor_enter if action == "enter" else visitor_leave
    try:
        with origin_scope(_origin(request)):
            tap(venue=venue, visitor_pass=visitor_pass)
    except Conflict as refused:
        return _page(request, venue, {"error": refused.message}, status=409)
    return redirect(f"{venue.checkin_path()}?ok={'in' if action == 'enter' else 'out'}")


def _code_shaped(code: str) -> bool:
    longest = Venue._meta.get_field("code").max_length or 0
    return 0 < len(code) <= longest and "\x00" not in code


@never_cache
@rate_limited("venues.checkin", limit=lambda: venues_settings().checkin_rate_per_minute)
def public_checkin(request: HttpRequest, code: str) -> HttpResponse:
    # A NUL byte cannot reach PostgreSQL; no code is longer than its column.
    venue = Venue.objects.filter(code=code).first() if _code_shaped(code) else None
    if venue is None:
        raise Http404
    if request.method != "POST":
        return _page(request, venue, {})
    action = request.POST.get("action", "")
    if action == "forget":
        visitor_pass = _remembered(request)
        if visitor_pass is not None:
            with origin_scope(_origin(request)):
                visitor_pass_revoke(visitor_pass=visitor_pass)
        response = redirect(venue.checkin_path())
        response.delete_cookie(COOKIE)
        return response
    if action in ("enter", "leave"):
        return _tap(request, venue, action)
    if action == "identify":
        return _identify(request, venue)
    return redirect(venue.checkin_path())
