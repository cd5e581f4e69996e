from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.forms import MergeForm
from fangkong.cases.selectors.duplicates import duplicate_groups, merge_preview
from fangkong.cases.services.merge import person_merge
from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.people.selectors import person_get


def _visible(request: AuthenticatedRequest, pk: int) -> Person:
    try:
        return person_get(viewer=request.user, pk=pk)
    except Person.DoesNotExist as error:
        raise Http404 from error


@capability_required("person.merge")
def duplicates_page(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "cases/duplicates.html",
        {
            "groups": duplicate_groups(viewer=request.user),
        },
    )


@capability_required("person.merge")
def merge_page(request: AuthenticatedRequest, kept: int, removed: int) -> HttpResponse:
    """Both records side by side, what would move, and the merge (kept ← removed)."""
    kept_person, removed_person = _visible(request, kept), _visible(request, removed)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merge = person_merge(
                kept=kept_person,
                removed=removed_person,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except (ValidationError, Conflict) as error:
            text = error.message if isinstance(error, Conflict) else "；".join(error.messages)
            form.add_error(None, text)
        else:
            moved = sum(len(v) for k, v in merge.moved.items() if not k.startswith("resolved:"))
            messages.success(request, _("已合并，转移 %s 条记录。") % moved)
            return redirect("people:detail", pk=kept_person.pk)
    return render(
        request,
        "cases/merge.html",
        {
            "kept": kept_person,
            "removed": removed_person,
            "preview": merge_preview(kept_person, removed_person),
            "form": form,
        },
    )
