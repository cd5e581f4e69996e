"""Security headers that Django and django-csp do not set themselves.

Django's SecurityMiddleware sends HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy,
XFrameOptionsMiddleware X-Frame-Options, django-csp the Content-Security-Policy (settings.py,
"Transport and security headers"). This adds Permissions-Policy, and the one exception to the
style policy: DRF's browsable API writes its code highlighting as an inline <style> element.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from rest_framework.renderers import BrowsableAPIRenderer

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """`camera=(), fullscreen=(self)`: each feature with the origins allowed to use it."""

    def allowed(origin: str) -> str:
        return origin if origin in ("self", "*") else f'"{origin}"'

    return ", ".join(
        f"{feature}=({' '.join(allowed(origin) for origin in origins)})"
        for feature, origins in policy.items()
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if PERMISSIONS_POLICY_HEADER not in response:
            response[PERMISSIONS_POLICY_HEADER] = permissions_policy_header(
                settings.PERMISSIONS_POLICY
            )
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            # Styles only, on the API's HTML view: scripts keep the full policy.
            response._csp_update = {"style-src-elem": [UNSAFE_INLINE]}  # type: ignore[attr-defined]
        return response
