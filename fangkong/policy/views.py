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
from fangkong.policy.selectors import measure_board, measures_scheduled_in_words
from fangkong.policy.services import measure_set


@capability_required("policy.manage")
def measure_line(request: AuthenticatedRequest) -> HttpResponse:
    """The board form's measure line again for the kind just chosen (htmx): its subjects,
    narrowed by the search box when `part=subject`, and its values."""
    line = MeasureForm(request.GET)
    if request.GET.get("part") == "subject":
        return render(request, "policy/_measure_subject.html", {"line": line})
    return render(request, "policy/_measure_line.html", {"line": line})


@capability_required("policy.view")
def measure_board_page(request: AuthenticatedRequest) -> HttpResponse:
    form = MeasureForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("policy.manage"):
            raise PermissionDenied
        if form.is_valid():
            try:
                measure_set(
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    subject=form.cleaned_data["subject"],
                    value=form.cleaned_data["value"],
                    effective_at=form.cleaned_data["effective_at"],
                    source=form.cleaned_data["source"],
                )
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
            "scheduled": measures_scheduled_in_words(),
            "form": form,
            "kinds": measure_kinds(),
        },
    )
