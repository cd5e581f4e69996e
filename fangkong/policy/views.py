from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.forms import apply_validation_error
from fangkong.policy.forms import MeasureForm
from fangkong.policy.kinds import measure_kinds
from fangkong.policy.selectors import measure_board, measures_scheduled
from fangkong.policy.services import measure_set


@capability_required("policy.view")
def measure_board_page(request: AuthenticatedRequest) -> HttpResponse:
    form = MeasureForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("policy.manage"):
            raise PermissionDenied
        if form.is_valid():
            try:
                measure_set(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("措施已登记。"))
                return redirect("policy:board")
    return render(
        request,
        "policy/board.html",
        {
            "board": measure_board(),
            "scheduled": measures_scheduled(),
            "form": form,
            "kinds": measure_kinds(),
        },
    )
