from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.scope import scope_of
from fangkong.core.navigation import role_home_url_name


@capability_required("workbench.view")
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each role to the page it works from."""
    url_name = role_home_url_name(request.user.role)
    if url_name:
        try:
            return redirect(reverse(url_name))
        except NoReverseMatch:
            pass
    return redirect("accounts:workbench")


@capability_required("workbench.view")
def workbench(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    return render(
        request,
        "accounts/workbench.html",
        {"scope_name": request.user.jurisdiction if not scope.city_wide else None},
    )
