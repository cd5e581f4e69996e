"""/api/v1/webhooks/: the HQ registers other systems' receivers and follows their deliveries.
Every write is a service (`webhooks.services`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.core.api.params import int_param
from fangkong.core.api.problems import ProblemSerializer
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.webhooks.api import serializers as s
from fangkong.webhooks.models import Delivery, DeliveryStatus, EventKind, Subscription
from fangkong.webhooks.selectors import delivery_list, subscription_list
from fangkong.webhooks.services.deliveries import delivery_redeliver
from fangkong.webhooks.services.subscriptions import (
    subscription_create,
    subscription_deactivate,
    subscription_secret_rotate,
    subscription_update,
)


def _problems(*codes: int) -> dict[int, OpenApiResponse]:
    words = {
        400: "Invalid input (each field named in `errors`).",
        401: "No credentials.",
        403: "Not the HQ.",
        404: "No such object.",
        409: "Refused by the object's state (`code` says why).",
    }
    return {code: OpenApiResponse(ProblemSerializer, description=words[code]) for code in codes}


class SubscriptionViewSet(
    ScopedObjectFirst[Subscription],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Subscription],
):
    """The systems told of events (HQ only): registered, changed (PUT, PATCH: the
    registration's rules), deactivated, their secret rotated."""

    serializer_class = s.SubscriptionSerializer
    permission_classes = [HasCapability("webhook.manage")]

    def get_queryset(self) -> QuerySet[Subscription]:
        return subscription_list(viewer=self.request.user)

    @extend_schema(
        summary="List the webhook subscriptions",
        responses={200: s.SubscriptionSerializer(many=True), **_problems(400, 401, 403)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="One webhook subscription",
        responses={200: s.SubscriptionSerializer, **_problems(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Register a receiver (its secret is shown once, in this answer)",
        request=s.SubscriptionCreateSerializer,
        responses={201: s.SubscriptionWithSecretSerializer, **_problems(400, 401, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = s.SubscriptionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        created = subscription_create(**incoming.validated_data, by=acting_user(request))
        return Response(
            self._with_secret(created.subscription, created.secret), status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Replace a subscription's name, URL, kinds and jurisdiction",
        request=s.SubscriptionCreateSerializer,
        responses={200: s.SubscriptionSerializer, **_problems(400, 401, 403, 404, 409)},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._change(request, partial=False)

    @extend_schema(
        summary="Change some of a subscription's name, URL, kinds and jurisdiction",
        request=s.SubscriptionCreateSerializer,
        responses={200: s.SubscriptionSerializer, **_problems(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        """The registration's rules (`subscription_update`): a field a PATCH leaves out keeps
        its value; a PUT replaces them all (no jurisdiction: city-wide). A deactivated
        subscription is not edited (409)."""
        subscription = self.get_object()
        incoming = s.SubscriptionCreateSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        kept: dict[str, Any] = {"jurisdiction": None}
        if partial:
            kept = {
                "name": subscription.name,
                "url": subscription.url,
                "kinds": subscription.kinds,
                "jurisdiction": subscription.jurisdiction,
            }
        wanted = {**kept, **incoming.validated_data}
        changed = subscription_update(subscription=subscription, **wanted, by=acting_user(request))
        return Response(self.get_serializer(changed).data)

    @extend_schema(
        summary="Deactivate a subscription (its pending deliveries are cancelled)",
        request=None,
        responses={200: s.SubscriptionSerializer, **_problems(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subscription = subscription_deactivate(
            subscription=self.get_object(), by=acting_user(request)
        )
        return Response(self.get_serializer(subscription).data)

    @extend_schema(
        summary="Rotate the secret (shown once; the old one also signs for a grace period)",
        request=None,
        responses={200: s.SubscriptionWithSecretSerializer, **_problems(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rotated = subscription_secret_rotate(
            subscription=self.get_object(), by=acting_user(request)
        )
        return Response(self._with_secret(rotated.subscription, rotated.secret))

    def _with_secret(self, subscription: Subscription, secret: str) -> dict[str, Any]:
        # The serializer's own dict, which keeps the subscription: a 201 is located by it.
        data: dict[str, Any] = s.SubscriptionSerializer(
            subscription, context=self.get_serializer_context()
        ).data
        data["secret"] = secret
        return data


class DeliveryViewSet(
    ScopedObjectFirst[Delivery],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Delivery],
):
    """Deliveries of events to subscriptions, with their log (HQ only)."""

    serializer_class = s.DeliverySerializer
    permission_classes = [HasCapability("webhook.manage")]

    def get_serializer_class(self) -> type[s.DeliverySerializer]:
        return s.DeliverySerializer if self.action == "list" else s.DeliveryDetailSerializer

    def get_queryset(self) -> QuerySet[Delivery]:
        if self.action != "list":
            return delivery_list(viewer=self.request.user).prefetch_related("log")
        params = self.request.query_params
        errors: dict[str, str] = {}
        subscription = int_param(params.get("subscription"))
        if params.get("subscription") and subscription is None:
            errors["subscription"] = _("请填写订阅编号（整数）")
        wanted_status = params.get("status", "")
        if wanted_status and wanted_status not in DeliveryStatus.values:
            errors["status"] = _("未知的推送状态：%s") % wanted_status
        kind = params.get("kind", "")
        if kind and kind not in EventKind.values:
            errors["kind"] = _("未知的事件类型：%s") % kind
        if errors:
            raise ValidationError(errors)
        return delivery_list(
            viewer=self.request.user, subscription=subscription, status=wanted_status, kind=kind
        )

    @extend_schema(
        summary="List deliveries, newest first",
        parameters=[
            OpenApiParameter("subscription", int, description="Only this subscription's."),
            OpenApiParameter("status", str, enum=DeliveryStatus.values),
            OpenApiParameter("kind", str, enum=EventKind.values),
        ],
        responses={200: s.DeliverySerializer(many=True), **_problems(400, 401, 403)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="One delivery, with its payload and its log of attempts",
        responses={200: s.DeliveryDetailSerializer, **_problems(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Send a delivered, given-up or cancelled delivery again",
        request=None,
        responses={200: s.DeliveryDetailSerializer, **_problems(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        delivery = delivery_redeliver(delivery=self.get_object(), by=acting_user(request))
        fresh = delivery_list(viewer=request.user).prefetch_related("log").get(pk=delivery.pk)
        return Response(
            s.DeliveryDetailSerializer(fresh, context=self.get_serializer_context()).data
        )
