"""The preparedness forecast (应急准备) as data: what the preparedness page shows and the command
screen's panel reads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.command.api.query import validated_query
from fangkong.command.api.responses import LIST
from fangkong.command.forecasting import current_forecast, forecast_area, forecast_data
from fangkong.core.api.filters import BIGINT_MAX
from fangkong.jurisdictions.models import Jurisdiction


class ForecastOnsetSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    count = serializers.IntegerField()


class ForecastInputsSerializer(serializers.Serializer[Any]):
    window_days = serializers.IntegerField(help_text="Days of onsets the growth is fitted on.")
    growth_rate = serializers.FloatField(help_text="Epidemic growth rate r, per day.")
    growth_rate_low = serializers.FloatField(help_text="Low end of r's confidence band.")
    growth_rate_high = serializers.FloatField(help_text="High end of r's confidence band.")
    growth_estimated = serializers.BooleanField(
        help_text="False: too few onsets for a slope; the series is taken as flat."
    )
    confidence_percent = serializers.IntegerField()
    doubling_days = serializers.FloatField(
        allow_null=True, help_text="ln 2 / r; null when cases are not growing."
    )
    onsets = ForecastOnsetSerializer(many=True, help_text="Daily onsets of the window.")
    contacts_per_case = serializers.FloatField()
    room_share = serializers.FloatField(help_text="Share of contacts placed in a room (0–1).")
    pipeline_contacts = serializers.IntegerField(help_text="Contacts found, not yet placed.")
    travellers_per_day = serializers.FloatField(help_text="Inbound travellers placed per day.")
    awaiting_admission = serializers.IntegerField(help_text="Cases not yet admitted.")
    quarantine_stay_days = serializers.FloatField(help_text="Mean stay in a room, days.")
    admission_days = serializers.DictField(
        child=serializers.FloatField(), help_text="Mean admission length by clinical severity."
    )
    severity_mix = serializers.DictField(
        child=serializers.FloatField(), help_text="Share of new patients by clinical severity."
    )
    defaults = serializers.ListField(
        child=serializers.CharField(),
        help_text="Inputs taken from the settings because nothing was observed yet.",
    )
    rooms_occupied = serializers.IntegerField()
    rooms_free = serializers.IntegerField(help_text="Free guest rooms of sites in use.")
    rooms_standby = serializers.IntegerField(help_text="Free guest rooms of standby sites.")
    beds_occupied = serializers.IntegerField()
    beds_free = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Free beds of receiving hospitals by ward kind (the kinds the forecast counts).",
    )
    beds_standby = serializers.IntegerField(help_text="Free beds of standby hospitals.")


class ForecastDaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    cases = serializers.FloatField(help_text="Expected new cases.")
    cases_low = serializers.FloatField()
    cases_high = serializers.FloatField()
    rooms_needed = serializers.IntegerField()
    rooms_needed_high = serializers.IntegerField(help_text="Rooms needed if cases run high.")
    rooms_available = serializers.IntegerField(
        help_text="Rooms usable that day: in use, and reserves activated in time."
    )
    beds_needed = serializers.IntegerField()
    beds_needed_high = serializers.IntegerField()
    beds_available = serializers.IntegerField()


class ForecastRunsOutSerializer(serializers.Serializer[Any]):
    rooms = serializers.DateField(allow_null=True)
    rooms_pessimistic = serializers.DateField(allow_null=True)
    beds = serializers.DateField(allow_null=True)
    beds_pessimistic = serializers.DateField(allow_null=True)


class ForecastSerializer(serializers.Serializer[Any]):
    """Rooms and beds needed each day of the horizon, the inputs they come from, and the day
    each runs out (null: not within the horizon). The response is built by this serializer."""

    generated_at = serializers.DateTimeField()
    district = serializers.IntegerField(allow_null=True, help_text="null: the whole city.")
    horizon_days = serializers.IntegerField()
    inputs = ForecastInputsSerializer()
    days = ForecastDaySerializer(many=True)
    runs_out = ForecastRunsOutSerializer()
    alert_days = serializers.IntegerField(
        help_text="The HQ is alerted when a run-out day falls within this many days."
    )


class ForecastQuery(serializers.Serializer[Any]):
    district = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)


class ForecastView(APIView):
    """The preparedness forecast of the city or one district: rooms and beds for the next days."""

    permission_classes = [HasCapability("command.dashboard")]

    @extend_schema(
        summary="The preparedness forecast of rooms and beds",
        parameters=[
            OpenApiParameter(
                "district",
                int,
                description="A district's id; by default the whole city (a district officer: "
                "their own district). A district the caller cannot see is a 400.",
            )
        ],
        responses={200: ForecastSerializer, **LIST},
    )
    def get(self, request: Request) -> Response:
        query = validated_query(request, ForecastQuery)
        try:
            district = forecast_area(viewer=request.user, district_id=query.get("district"))
        except Jurisdiction.DoesNotExist as error:
            raise serializers.ValidationError(
                {"district": [_("没有这个区，或不在您的辖区范围内")]}
            ) from error
        return Response(ForecastSerializer(forecast_data(current_forecast(district=district))).data)
