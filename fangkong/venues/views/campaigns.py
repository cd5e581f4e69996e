"""Inspection sweeps: launch, the list with team assignment, live progress (htmx polling)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import roles_with, user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.models import User
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.venues.conf import venues_settings
from fangkong.venues.forms import AssignForm, CampaignForm
from fangkong.venues.models import Campaign, CampaignTeam, VenueCategory
from fangkong.venues.selectors.campaigns import (
    campaign_get,
    campaign_list,
    campaign_progress,
    campaign_targets,
    campaign_targets_assignable,
)
from fangkong.venues.services.campaigns import (
    TeamPlan,
    campaign_finish,
    campaign_launch,
    campaign_target_assign,
)


def _campaign(request: AuthenticatedRequest, pk: int) -> Campaign:
    try:
        return campaign_get(viewer=request.user, pk=pk)
    except Campaign.DoesNotExist as error:
        raise Http404 from error


def parse_teams(text: str) -> list[TeamPlan]:
    """`第一组: wang, li` per line; every user must be able to inspect."""
    inspectors = {
        u.username: u
        for u in User.objects.filter(is_active=True, role__in=roles_with("venue.inspect"))
    }
    plans: list[TeamPlan] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, people = line.replace("：", ":").partition(":")
        usernames = [u.strip() for u in people.replace("，", ",").split(",") if u.strip()]
        unknown = [u for u in usernames if u not in inspectors]
        if unknown:
            raise ValidationError(
                {
                    "teams": _("第 %(n)s 行：找不到督查人员 %(names)s")
                    % {"n": number, "names": "、".join(unknown)}
                }
            )
        plans.append(TeamPlan(name.strip(), [inspectors[u] for u in usernames]))
    return plans


@capability_required("venue.view")
def campaign_list_page(request: AuthenticatedRequest) -> HttpResponse:
    campaigns = list(campaign_list(viewer=request.user)[:100])
    return render(
        request,
        "venues/campaign_list.html",
        {"rows": [(c, campaign_progress(c)[0]) for c in campaigns]},
    )


@capability_required("venue.campaign")
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            teams = parse_teams(data.pop("teams"))
            campaign = campaign_launch(
                by=request.user,
                teams=teams,
                districts=list(data.pop("districts")),
                **data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("督查行动已发起，共 %s 家场所。") % campaign.targets.count()
            )
            return redirect(campaign)
    return render(request, "venues/campaign_form.html", {"form": form})


def _progress_context(campaign: Campaign) -> dict[str, object]:
    total, teams = campaign_progress(campaign)
    return {
        "campaign": campaign,
        "total": total,
        "teams": teams,
        "refresh_seconds": venues_settings().live_refresh_seconds,
    }


@capability_required("venue.view")
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    context = _progress_context(campaign)
    context.update(
        {
            "targets": campaign_targets(campaign),
            "team_choices": list(campaign.teams.all()),
            "categories": [VenueCategory(c).label for c in campaign.categories],
            "may_assign": user_can(request.user, "venue.campaign"),
            # A city campaign shown to a district: only its own venues offer the team choice.
            "assignable": set(
                campaign_targets_assignable(viewer=request.user, campaign=campaign).values_list(
                    "pk", flat=True
                )
            ),
        }
    )
    return render(request, "venues/campaign_detail.html", context)


@capability_required("venue.view")
def campaign_progress_fragment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render(
        request, "venues/_campaign_progress.html", _progress_context(_campaign(request, pk))
    )


@require_POST
@capability_required("venue.campaign")
def campaign_assign(request: AuthenticatedRequest, pk: int, target_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    target = (
        campaign_targets_assignable(viewer=request.user, campaign=campaign)
        .filter(pk=target_pk)
        .first()
    )
    form = AssignForm(request.POST)
    if target is None or not form.is_valid():
        raise Http404
    team = None
    if form.cleaned_data["team"]:
        team = CampaignTeam.objects.filter(campaign=campaign, pk=form.cleaned_data["team"]).first()
    try:
        campaign_target_assign(target=target, team=team, by=request.user)
    except (ValidationError, Conflict) as error:
        messages.error(
            request, str(error.message if isinstance(error, Conflict) else error.messages[0])
        )
    return redirect(campaign)


@require_POST
@capability_required("venue.campaign")
def campaign_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        campaign_finish(campaign=campaign, by=request.user)
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("督查行动已结束。"))
    return redirect(campaign)
