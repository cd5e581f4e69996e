"""The self-report page: no login, reached through the QR code on the room card.

The token in the link is the only key (`secrets.token_urlsafe(32)`: 256 bits, 43 URL-safe
characters). Whatever is wrong with a token (malformed, never issued, moved to the person's new
room) the answer is the one 404 of a page that does not exist, so nobody learns which links
exist, and every address is rate-limited. A malformed token never reaches the database (a NUL
byte would stop PostgreSQL); a well-formed one is looked up through the column's unique index
and compared again in constant time, so a collation that folds case could never let a near
miss in.
"""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.ratelimit import rate_limited
from fangkong.core.request_context import Origin, client_ip, origin_scope
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.forms import SelfReportForm
from fangkong.quarantine.models import HealthObservation, Placement, ReportSource, Slot
from fangkong.quarantine.selectors.health import slot_for
from fangkong.quarantine.services.observations import observation_record

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _placement_for(token: str) -> Placement:
    if not _TOKEN.fullmatch(token):
        raise Http404
    placement = (
        Placement.objects.filter(report_token=token).select_related("person", "room__site").first()
    )
    if placement is None or not secrets.compare_digest(
        (placement.report_token or "").encode(), token.encode()
    ):
        raise Http404
    return placement


def _self_report_rate() -> int:
    return quarantine_settings().self_report_rate


def _masked_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


@rate_limited("quarantine.self_report", limit=_self_report_rate)
def self_report(request: HttpRequest, token: str) -> HttpResponse:
    placement = _placement_for(token)
    now = timezone.now()
    day = timezone.localdate(now)
    context: dict[str, object] = {
        "placement": placement,
        "name": _masked_name(placement.person.name),
        "day": day,
    }
    if not placement.is_active and not placement.in_home_monitoring(day):
        return render(request, "quarantine/self_report_closed.html", context, status=410)
    form = SelfReportForm(request.POST or None, initial={"slot": slot_for(now)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        origin = Origin(
            channel="public",
            label=_("自报：%s") % placement.room,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        try:
            with origin_scope(origin):
                observation_record(
                    placement=placement,
                    day=day,
                    slot=data["slot"],
                    temperature=data["temperature"],
                    symptoms=data["symptoms"],
                    other_symptom=data["other_symptom"],
                    source=ReportSource.SELF,
                    by=None,
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            context["done"] = True
    done = {
        o.slot for o in HealthObservation.objects.filter(person_id=placement.person_id, day=day)
    }
    context.update(
        {
            "form": form,
            "reported": [(label, value in done) for value, label in Slot.choices],
        }
    )
    return render(request, "quarantine/self_report.html", context)
