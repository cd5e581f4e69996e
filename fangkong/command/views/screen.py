"""The wall screen (指挥大屏): a full-screen page whose script fetches each panel's data from
the API and draws it again in place every FANGKONG_SCREEN_REFRESH_SECONDS; and the district
boundaries its map draws, read from the boundary package (never the whole package served)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.command.conf import command_settings
from fangkong.command.selectors.screen import (
    SCREEN_DAYS,
    SCREEN_PANEL_NAMES,
    DistrictNotVisible,
    screen_district,
    screen_districts,
)
from fangkong.jurisdictions.models import Jurisdiction, Level


def _labels() -> dict[str, str]:
    """The words the script writes into the charts, in the page's language."""
    return {
        "confirmed": _("新增确诊"),
        "asymptomatic": _("新增无症状"),
        "found": _("判定密接"),
        "share_in_time": _("按时管控率"),
        "late": _("超时管控"),
        "people": _("在隔离人数"),
        "rooms_free": _("空闲房间"),
        "occupied": _("占用"),
        "free": _("空闲"),
        "over_limit": _("当日超限场所"),
        "closed": _("关停场所"),
        "on_time": _("按时报送"),
        "late_reports": _("迟报"),
        "missing": _("缺报"),
        "rooms_needed": _("需要房间"),
        "rooms_needed_high": _("需要房间（悲观）"),
        "rooms_available": _("可用房间"),
        "beds_needed": _("需要床位"),
        "beds_needed_high": _("需要床位（悲观）"),
        "beds_available": _("可用床位"),
        "runs_out": _("预计用尽"),
        "rooms": _("房间"),
        "beds": _("床位"),
        "runs_out_help": _("预计用尽日期：按预测值/按悲观预测值；— 为预测期内不会用尽"),
        "active_cases": _("现有病例"),
        "new_cases": _("今日新增"),
        "risk": _("风险等级"),
        "venue_closed": _("关停"),
        "venue_over": _("超限"),
        "alert": _("紧急预警"),
        "task": _("逾期督办"),
        "empty": _("无"),
        "failed": _("本栏数据暂时无法读取，将在下次刷新时重试"),
        "no_map": _("未找到行政区划边界数据"),
    }


@capability_required("command.dashboard")
def screen_page(request: AuthenticatedRequest) -> HttpResponse:
    """The screen of the viewer's part of the city, or of one district (`?district=` its code
    or id: a bookmark of that district's screen), over `?days=` 7, 14 or 30 days."""
    try:
        district = screen_district(viewer=request.user, key=request.GET.get("district"))
    except DistrictNotVisible as error:
        raise Http404 from error
    settings = command_settings()
    raw_days = request.GET.get("days", "")
    days = (
        int(raw_days) if raw_days in {str(d) for d in SCREEN_DAYS} else settings.screen_trend_days
    )
    config: dict[str, Any] = {
        "panels": {name: reverse(f"api:command-screen-{name}") for name in SCREEN_PANEL_NAMES},
        "forecast": reverse("api:api-root") + "command/forecast/",
        "boundaries": reverse("command:screen_boundaries"),
        "refresh_seconds": settings.screen_refresh_seconds,
        "days": days,
        "default_days": settings.screen_trend_days,
        "day_choices": list(SCREEN_DAYS),
        "district": None
        if district is None
        else {"id": district.pk, "code": district.code, "name": district.name},
        "districts": [
            {"id": d.pk, "code": d.code, "name": d.name}
            for d in screen_districts(viewer=request.user)
        ],
        "labels": _labels(),
    }
    city = Jurisdiction.objects.filter(level=Level.CITY).first()
    return render(
        request,
        "command/screen.html",
        {"config": config, "city": city, "district": district, "days": days},
    )


@lru_cache(maxsize=4)
def _boundary_file(path: Path, modified: float) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@require_GET
@capability_required("command.dashboard")
def screen_boundaries(request: AuthenticatedRequest) -> HttpResponse:
    """The city's districts as GeoJSON: the boundary package's file of the city's division
    code, each district found by its code among the jurisdictions and named as they are
    (`properties`: id, code, name, centroid); a district the file lacks is left out."""
    city = Jurisdiction.objects.filter(level=Level.CITY).first()
    if city is None:
        raise Http404
    path = command_settings().screen_boundaries_dir / f"{city.code}.json"
    # Without the package's file the map says so on the screen (no features), the rest works.
    source = _boundary_file(path, path.stat().st_mtime) if path.is_file() else {}
    districts = {d.code: d for d in Jurisdiction.objects.filter(parent=city, level=Level.DISTRICT)}
    features = []
    for feature in source.get("features", []):
        properties = feature.get("properties") or {}
        district = districts.get(str(properties.get("adcode", "")))
        if district is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "id": district.pk,
                    "code": district.code,
                    "name": district.name,
                    "centroid": properties.get("centroid") or properties.get("center"),
                },
            }
        )
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "private, max-age=3600"
    return response
