"""The preparedness forecast page (应急准备): rooms and beds for the next days, and their inputs."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.scope import scope_of
from fangkong.command.conf import forecast_settings
from fangkong.command.forecasting import (
    current_forecast,
    forecast_area,
    forecast_data,
    forecast_districts,
)
from fangkong.core.api.params import int_param
from fangkong.jurisdictions.models import Jurisdiction


@capability_required("command.dashboard")
def preparedness_page(request: AuthenticatedRequest) -> HttpResponse:
    raw = request.GET.get("district")
    district_id = int_param(raw)
    if raw and district_id is None:
        raise Http404
    try:
        district = forecast_area(viewer=request.user, district_id=district_id)
    except Jurisdiction.DoesNotExist as error:
        raise Http404 from error
    found = current_forecast(district=district)
    run_outs = [
        (_("集中隔离房间用尽"), found.rooms_run_out, found.rooms_run_out_pessimistic, "rooms"),
        (_("定点医院床位用尽"), found.beds_run_out, found.beds_run_out_pessimistic, "beds"),
    ]
    return render(
        request,
        "command/preparedness.html",
        {
            "forecast": found,
            "data": forecast_data(found),
            "districts": forecast_districts(viewer=request.user),
            "district": district,
            "city_wide": scope_of(request.user).city_wide,
            "run_outs": run_outs,
            "alert_on": found.today + dt.timedelta(days=found.alert_days),
            "conf": forecast_settings(),
        },
    )
