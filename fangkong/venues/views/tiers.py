"""Capacity tiers: their ratios (HQ policy data) and the tier in force for each category
(measures, as a notice would set them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.forms import apply_validation_error
from fangkong.policy.selectors import measures_scheduled_in_words
from fangkong.policy.services import measure_set
from fangkong.venues.forms import CategoryTierForm, TierForm
from fangkong.venues.limits import TIER_KIND, category_tiers
from fangkong.venues.models import CapacityTier, VenueCategory
from fangkong.venues.services.venues import capacity_tier_update


@capability_required("venue.view")
def tiers_page(request: AuthenticatedRequest) -> HttpResponse:
    may_edit = user_can(request.user, "venue.tiers")
    form = CategoryTierForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    for category in data["categories"]:
                        measure_set(
                            kind=TIER_KIND,
                            subject=category,
                            value=data["tier"].code,
                            effective_at=data["effective_at"],
                            source=data["source"],
                            by=request.user,
                        )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("限流档位已登记。"))
                return redirect("venues:tiers")
    in_force = category_tiers(at=timezone.now())
    return render(
        request,
        "venues/tiers.html",
        {
            "tiers": CapacityTier.objects.all(),
            "categories": [(label, in_force[value]) for value, label in VenueCategory.choices],
            "scheduled": measures_scheduled_in_words(kind=TIER_KIND),
            "form": form,
            "may_edit": may_edit,
            "tier_forms": {
                t.pk: TierForm(
                    initial={"name": t.name, "ratio": t.ratio, "description": t.description},
                    prefix=f"t{t.pk}",
                )
                for t in CapacityTier.objects.all()
            },
        },
    )


@capability_required("venue.tiers")
def tier_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    tier = CapacityTier.objects.filter(pk=pk).first()
    if tier is None:
        raise Http404
    form = TierForm(request.POST or None, prefix=f"t{tier.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            capacity_tier_update(tier=tier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("档位已更新，自即刻起适用。"))
    return redirect("venues:tiers")
