"""The wall screen's data (指挥大屏), one endpoint a panel, so that a panel whose read fails
says so on the screen while the others go on: `/api/v1/command/screen/<panel>/`, each with
`district` (a district's id: that district only) and `days` (7, 14 or 30 days of trends)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.command.api.query import validated_query
from fangkong.command.api.responses import LIST
from fangkong.command.conf import command_settings
from fangkong.command.selectors.screen import (
    SCREEN_DAYS,
    DistrictNotVisible,
    ScreenArea,
    Window,
    screen_district,
    screen_window,
)
from fangkong.command.selectors.screen_capacity import (
    screen_beds,
    screen_quarantine,
    screen_venues,
)
from fangkong.command.selectors.screen_feed import screen_feed
from fangkong.command.selectors.screen_map import screen_map
from fangkong.command.selectors.screen_trends import screen_cases, screen_contacts, screen_reports
from fangkong.core.api.filters import BIGINT_MAX

Panel = Callable[[ScreenArea, Window], dict[str, Any]]


class ScreenQuery(serializers.Serializer[Any]):
    district = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    days = serializers.ChoiceField(choices=SCREEN_DAYS, required=False)


SCREEN_PARAMS = [
    OpenApiParameter(
        "district",
        int,
        description="A district's id: that district only (default: the caller's whole part "
        "of the city). A district the caller cannot see is a 400.",
    ),
    OpenApiParameter(
        "days",
        int,
        enum=list(SCREEN_DAYS),
        description="How many days of trends, ending today (default FANGKONG_SCREEN_TREND_DAYS).",
    ),
]


def _links() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(),
        help_text="The list page each figure counts, with the same filter (a page's address).",
    )


def _series(*, nullable: bool = False) -> serializers.ListField:
    child: serializers.Field[Any, Any, Any, Any] = (
        serializers.FloatField(allow_null=True) if nullable else serializers.IntegerField()
    )
    return serializers.ListField(child=child, help_text="One value a day, in the order of `days`.")


class DistrictRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PanelSerializer(serializers.Serializer[Any]):
    """What every panel answers with: when it was read and for which district."""

    generated_at = serializers.DateTimeField()
    district = DistrictRefSerializer(allow_null=True)


class TrendSerializer(PanelSerializer):
    days = serializers.ListField(child=serializers.DateField(), help_text="The local days.")
    links = _links()


class MapDistrictSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="The division code, as the boundary file's adcode.")
    name = serializers.CharField()
    risk = serializers.ChoiceField(choices=["high", "medium", "low"])
    risk_label = serializers.CharField()
    high_areas = serializers.IntegerField()
    medium_areas = serializers.IntegerField()
    active_cases = serializers.IntegerField()
    new_cases = serializers.IntegerField()
    url = serializers.CharField()


class MapVenueSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["closed", "over"])
    lng = serializers.FloatField()
    lat = serializers.FloatField()
    occupancy = serializers.IntegerField(allow_null=True)
    limit = serializers.IntegerField()
    url = serializers.CharField()


class MapTotalsSerializer(serializers.Serializer[Any]):
    active_cases = serializers.IntegerField()
    new_cases = serializers.IntegerField()
    high_areas = serializers.IntegerField()
    medium_areas = serializers.IntegerField()
    closed_venues = serializers.IntegerField()
    over_limit_venues = serializers.IntegerField()


class ScreenMapSerializer(PanelSerializer):
    districts = MapDistrictSerializer(many=True)
    venues = MapVenueSerializer(many=True)
    totals = MapTotalsSerializer()
    links = _links()


class ScreenCasesSerializer(TrendSerializer):
    confirmed = _series()
    asymptomatic = _series()
    total_confirmed = serializers.IntegerField()
    total_asymptomatic = serializers.IntegerField()


class ScreenContactsSerializer(TrendSerializer):
    control_hours = serializers.IntegerField(help_text="FANGKONG_CONTACT_CONTROL_HOURS")
    found = _series()
    in_time = _series()
    late = _series()
    pending = _series()
    share_in_time = _series(nullable=True)
    total_found = serializers.IntegerField()
    total_share_in_time = serializers.FloatField(allow_null=True)


class ScreenQuarantineSerializer(TrendSerializer):
    people = _series()
    rooms_free = _series()
    rooms_total = serializers.IntegerField()
    rooms_reserve = serializers.IntegerField()


class BedKindSeriesSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    total = serializers.IntegerField()
    occupied = _series()
    free = _series()


class ScreenBedsSerializer(TrendSerializer):
    kinds = BedKindSeriesSerializer(many=True)


class ScreenVenuesSerializer(TrendSerializer):
    over_limit = _series()
    closed = _series()


class ScreenReportsSerializer(TrendSerializer):
    expected = serializers.IntegerField()
    on_time = _series()
    late = _series()
    missing = _series()
    share_on_time = _series(nullable=True)


class FeedItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["alert", "task"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    at = serializers.DateTimeField()
    where = serializers.CharField(allow_blank=True)
    url = serializers.CharField()


class ScreenFeedSerializer(PanelSerializer):
    items = FeedItemSerializer(many=True)
    critical_alerts = serializers.IntegerField()
    overdue_tasks = serializers.IntegerField()
    links = _links()


class ScreenPanelView(APIView):
    """One panel of the screen, for the caller's part of the city (or one district)."""

    permission_classes = [HasCapability("command.dashboard")]
    serializer_class: type[serializers.Serializer[Any]] = PanelSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        query = validated_query(request, ScreenQuery)
        try:
            district = screen_district(viewer=request.user, key=query.get("district"))
        except DistrictNotVisible as error:
            raise ValidationError(
                {"district": [_("没有这个区县，或不在您的可见范围内")]}
            ) from error
        now = timezone.now()
        days = int(query.get("days") or command_settings().screen_trend_days)
        window = screen_window(days=days, now=now)
        data = {
            "generated_at": now,
            "district": None
            if district is None
            else {"id": district.pk, "code": district.code, "name": district.name},
            **self.panel(ScreenArea(viewer=request.user, district=district), window),
        }
        return Response(self.serializer_class(data).data)


def _documented(summary: str, serializer: type[serializers.Serializer[Any]]) -> Any:
    return extend_schema_view(
        get=extend_schema(
            summary=summary, parameters=SCREEN_PARAMS, responses={200: serializer, **LIST}
        )
    )


@_documented(
    "The screen's map: districts, risk levels, cases, venues closed or over", ScreenMapSerializer
)
class ScreenMapView(ScreenPanelView):
    serializer_class = ScreenMapSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_map(area=area, now=window.now)


@_documented("New confirmed and asymptomatic cases by day", ScreenCasesSerializer)
class ScreenCasesView(ScreenPanelView):
    serializer_class = ScreenCasesSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_cases(area=area, window=window)


@_documented(
    "Contacts confirmed by day and the share under control in time", ScreenContactsSerializer
)
class ScreenContactsView(ScreenPanelView):
    serializer_class = ScreenContactsSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_contacts(area=area, window=window)


@_documented("People in quarantine and free rooms by day", ScreenQuarantineSerializer)
class ScreenQuarantineView(ScreenPanelView):
    serializer_class = ScreenQuarantineSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_quarantine(area=area, window=window)


@_documented("Beds taken and free by ward kind, by day", ScreenBedsSerializer)
class ScreenBedsView(ScreenPanelView):
    serializer_class = ScreenBedsSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_beds(area=area, window=window)


@_documented("Venues found over their limit and venues closed, by day", ScreenVenuesSerializer)
class ScreenVenuesView(ScreenPanelView):
    serializer_class = ScreenVenuesSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_venues(area=area, window=window)


@_documented("Units' daily reports on time, late and missing, by day", ScreenReportsSerializer)
class ScreenReportsView(ScreenPanelView):
    serializer_class = ScreenReportsSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_reports(area=area, window=window)


@_documented("Critical alerts and overdue supervised tasks, newest first", ScreenFeedSerializer)
class ScreenFeedView(ScreenPanelView):
    serializer_class = ScreenFeedSerializer

    def panel(self, area: ScreenArea, window: Window) -> dict[str, Any]:
        return screen_feed(area=area, now=window.now)


# The panels by the name in their address (`screen/<name>/`).
SCREEN_PANELS: dict[str, type[ScreenPanelView]] = {
    "map": ScreenMapView,
    "cases": ScreenCasesView,
    "contacts": ScreenContactsView,
    "quarantine": ScreenQuarantineView,
    "beds": ScreenBedsView,
    "venues": ScreenVenuesView,
    "reports": ScreenReportsView,
    "feed": ScreenFeedView,
}
