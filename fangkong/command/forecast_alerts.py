"""The HQ is told when the city's quarantine rooms or hospital beds are forecast to run out within
FANGKONG_FORECAST_ALERT_DAYS (the central estimate): a periodic job (`jobs.py`).

Once per resource and run-out day: the alert's dedupe key names both
(`command.forecast_run_out:rooms:city:2021-08-07`), so a rerun finds the open alert (the alerts
table holds one open alert per key); a key already used, even by an alert since resolved by a
person, is not raised again. A run-out forecast earlier than the one told raises a new alert
and closes the old one; a later one leaves the earlier alert standing (no alert each time the
estimate wavers by a day). When the forecast no longer runs out within the days, the open
alerts are closed.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_raise, alert_resolve
from fangkong.command.forecasting import BEDS, ROOMS, PreparednessForecast, preparedness_forecast

FORECAST_RUN_OUT = "command.forecast_run_out"


def _prefix(resource: str) -> str:
    return f"{FORECAST_RUN_OUT}:{resource}:city:"


def _day_of(alert: Alert, prefix: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(alert.dedupe_key.removeprefix(prefix))
    except ValueError:
        return None


def _labels() -> dict[str, str]:
    return {ROOMS: _("集中隔离房间"), BEDS: _("定点医院床位")}


def _detail(found: PreparednessForecast, resource: str, day: int) -> str:
    row = found.result.days[day - 1]
    needed, available = (
        (row.rooms_needed, row.rooms_available)
        if resource == ROOMS
        else (row.beds_needed, row.beds_available)
    )
    growth = found.growth
    return _(
        "按近%(window)s日发病数估计，每日增长率%(rate).1f%%（%(low).1f%%～%(high).1f%%）。"
        "预计%(date)s需要%(needed)s，可用%(available)s（含可及时启用的储备）。"
        "请研究启用储备隔离点或后备医院。详见应急准备预测：%(url)s"
    ) % {
        "window": found.window_days,
        "rate": growth.rate * 100,
        "low": growth.rate_low * 100,
        "high": growth.rate_high * 100,
        "date": found.on(day),
        "needed": needed,
        "available": available,
        "url": reverse("command:preparedness"),
    }


def forecast_alert_sync(*, found: PreparednessForecast, resource: str) -> int:
    """Raise, keep or close the run-out alert of one resource; returns alerts raised or closed."""
    prefix = _prefix(resource)
    standing = list(
        Alert.objects.open().filter(kind=FORECAST_RUN_OUT, dedupe_key__startswith=prefix)
    )
    done = 0
    if not found.alerting(resource):
        for alert in standing:
            alert_resolve(
                alert=alert,
                note=_("预测%(days)s日内不再用尽") % {"days": found.alert_days},
                by=None,
            )
            done += 1
        return done
    day = found.run_out(resource)
    assert day is not None
    runs_out = found.on(day)
    assert runs_out is not None
    key = f"{prefix}{runs_out.isoformat()}"
    told = [d for a in standing if (d := _day_of(a, prefix)) is not None]
    if any(d <= runs_out for d in told):
        return 0  # this day, or an earlier one, is already told
    if Alert.objects.filter(dedupe_key=key).exists():
        return 0  # told once already, and resolved since
    raised = alert_raise(
        kind=FORECAST_RUN_OUT,
        title=_("预计%(resource)s将于%(date)s用尽（%(days)s天后）")
        % {"resource": _labels()[resource], "date": runs_out.strftime("%m-%d"), "days": day},
        detail=_detail(found, resource, day),
        severity=Severity.CRITICAL,
        dedupe_key=key,
        by=None,
    )
    if raised.created:
        done += 1
        for alert in standing:
            alert_resolve(alert=alert, note=_("预计用尽日期已提前"), by=None)
            done += 1
    return done


def forecast_alerts_run(now: dt.datetime) -> int:
    """Job: the city's forecast, and an alert to the HQ per resource running out in time."""
    found = preparedness_forecast(at=now)
    return sum(forecast_alert_sync(found=found, resource=r) for r in (ROOMS, BEDS))
