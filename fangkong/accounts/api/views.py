from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from fangkong.accounts.mfa import code_matches, confirmed_device, mfa_required_for
from fangkong.accounts.models import User
from fangkong.accounts.services.tokens import api_token_create


class TokenRequestSerializer(serializers.Serializer[None]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False, allow_blank=True, help_text="身份验证器的 6 位动态验证码（已启用者必填）"
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TokenView(APIView):
    """Exchange a username and password (and the authenticator's code, when the user has one)
    for a new API token, valid FANGKONG_API_TOKEN_DAYS days. Failures count towards the login
    lockout; a locked account or address gets 429."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {
                    "token": serializers.CharField(),
                    "name": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                },
            ),
            # Public, yet refused to a role that must first set up its authenticator.
            403: OpenApiResponse(description="该角色须先在“我的账户”页面启用动态验证码"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The plain HttpRequest, so a lockout flagged by authenticate() reaches AxesMiddleware.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if not isinstance(user, User):
            raise ValidationError(_("用户名或密码不正确。"), code="invalid_credentials")
        device = confirmed_device(user)
        if device is not None:
            if not "".join(data.get("otp", "").split()):
                # The password was right: asking for the code is the second step, not a failure
                # (counting it would throttle the code that follows within a second).
                raise ValidationError({"otp": [_("请填写动态验证码。")]}, code="required")
            if not code_matches(device, data.get("otp", "")):
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.username, "fangkong_reason": "code"},
                    request=request._request,
                )
                raise ValidationError({"otp": [_("动态验证码不正确或已过期。")]}, code="invalid")
        elif mfa_required_for(user):
            raise PermissionDenied(
                _("该角色须先在“我的账户”页面启用动态验证码，才能获取令牌。"), code="mfa_required"
            )
        token, key = api_token_create(user=user, name=data.get("name") or _("接口签发"), by=user)
        expires_at = timezone.localtime(token.expires_at)  # +08:00, as every time in the API
        return Response({"token": key, "name": token.name, "expires_at": expires_at})
