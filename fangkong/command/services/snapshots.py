"""Keeping each day's briefing figures, so trends over days cost one query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fangkong.command.daily_briefing import Briefing, briefing_build
from fangkong.command.models import FigureSnapshot
from fangkong.core.audit import audit_write


@transaction.atomic
def figure_snapshots_take(
    *, day: dt.date, at: dt.datetime, briefing: Briefing | None = None
) -> int:
    """Store (or refresh) every numeric figure of a day's briefing; returns how many."""
    briefing = briefing or briefing_build(day=day)
    stored = 0
    for section in briefing.sections:
        for figure in section.figures:
            if not isinstance(figure.value, int | float | Decimal):
                continue
            FigureSnapshot.objects.update_or_create(
                day=day,
                key=figure.key,
                defaults={
                    "section": str(section.title)[:80],
                    "label": str(figure.label)[:120],
                    "unit": str(figure.unit)[:20],
                    "value": float(figure.value),
                    "taken_at": at,
                },
            )
            stored += 1
    first = FigureSnapshot.objects.filter(day=day).order_by("pk").first()
    if first is not None:
        audit_write(
            by=None, action="briefing.snapshot", obj=first, after={"day": day, "figures": stored}
        )
    return stored


def figure_snapshots_refresh(now: dt.datetime) -> int:
    """Job: today's figures so far, and yesterday's once more until they were taken after
    the day ended (its final values)."""
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    done = figure_snapshots_take(day=today, at=now)
    final = FigureSnapshot.objects.filter(day=yesterday, taken_at__gte=midnight).exists()
    if not final:
        done += figure_snapshots_take(day=yesterday, at=now)
    return done
