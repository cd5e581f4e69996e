from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.http import acting_user
from fangkong.accounts.models import ApiToken, User
from fangkong.accounts.services.lockout import login_lockout_clear
from fangkong.accounts.services.mfa import totp_device_remove
from fangkong.accounts.services.tokens import api_token_revoke
from fangkong.core.admin import AuditedAdmin, ReadOnlyAdmin

# Authenticators are enrolled by their owner and removed through the audited action below.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "jurisdiction", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["jurisdiction", "unit"]
    actions = ["unlock_login", "remove_authenticator", "revoke_api_tokens"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("防控平台"), {"fields": ("full_name", "role", "jurisdiction", "unit", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("防控平台"), {"fields": ("full_name", "role", "jurisdiction", "unit", "phone")}),
    )

    @admin.action(description=_("解除登录锁定"))
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            login_lockout_clear(username=user.username, by=acting_user(request))
        self.message_user(request, gettext("已解除所选用户的登录锁定。"), messages.SUCCESS)

    @admin.action(description=_("移除动态验证码（手机丢失时）"))
    def remove_authenticator(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            totp_device_remove(user=user, by=acting_user(request))
        self.message_user(request, gettext("已移除所选用户的动态验证码。"), messages.SUCCESS)

    @admin.action(description=_("吊销全部 API 令牌"))
    def revoke_api_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        tokens = ApiToken.objects.filter(user__in=queryset).usable(at=timezone.now())
        for token in tokens:
            api_token_revoke(token=token, by=acting_user(request))
        self.message_user(request, gettext("已吊销所选用户的 API 令牌。"), messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Every user's tokens, for the HQ: browse and revoke (keys are never shown, only kept
    hashed)."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__full_name", "name", "prefix"]
    list_select_related = ["user"]
    actions = ["revoke"]

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=acting_user(request))
        self.message_user(request, gettext("已吊销所选令牌。"), messages.SUCCESS)
