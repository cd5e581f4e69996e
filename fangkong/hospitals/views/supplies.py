"""A hospital's supplies and equipment: stock against safety stock, receipts and issues."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.hospitals.forms import SafetyStockForm, StockMovementForm
from fangkong.hospitals.models import Hospital, StockMovement
from fangkong.hospitals.selectors.supplies import stock_list
from fangkong.hospitals.services.supplies import stock_issue, stock_receive, stock_set_safety
from fangkong.hospitals.views.lookups import hospital_or_404

# Movements shown under the stock table; the audit trail keeps every one.
_RECENT_MOVEMENTS = 30


def _page(
    request: AuthenticatedRequest, hospital: Hospital, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "hospital": hospital,
        "stocks": stock_list(hospital=hospital),
        "movements": StockMovement.objects.filter(stock__hospital=hospital)
        .select_related("stock__item", "ward", "recorded_by")
        .order_by("-at", "-pk")[:_RECENT_MOVEMENTS],
        "receipt_form": StockMovementForm(hospital=hospital, receipt=True),
        "issue_form": StockMovementForm(hospital=hospital, receipt=False),
        "safety_form": SafetyStockForm(),
        "tab": "supplies",
        **forms,
    }
    return render(request, "hospitals/supplies.html", context, status=status)


@capability_required("hospitals.view")
def supplies_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _page(request, hospital_or_404(request, pk))


@require_POST
@capability_required("hospitals.supplies")
def stock_movement(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    receipt = kind == "receipt"
    form = StockMovementForm(request.POST, hospital=hospital, receipt=receipt)
    if form.is_valid():
        try:
            if receipt:
                stock_receive(hospital=hospital, by=request.user, **form.cleaned_data)
            else:
                stock_issue(hospital=hospital, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已入库。") if receipt else _("已出库。"))
            return redirect("hospitals:supplies", pk=hospital.pk)
    bound = {"receipt_form": form} if receipt else {"issue_form": form}
    return _page(request, hospital, status=400, **bound)


@require_POST
@capability_required("hospitals.manage")
def safety_stock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    form = SafetyStockForm(request.POST)
    if form.is_valid():
        try:
            stock_set_safety(hospital=hospital, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("安全库存已更新。"))
            return redirect("hospitals:supplies", pk=hospital.pk)
    return _page(request, hospital, status=400, safety_form=form)
