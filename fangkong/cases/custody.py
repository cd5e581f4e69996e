"""What the cases area tells the custody registry (`fangkong.people.custody`): a case is
under control from the moment it was isolated."""

from __future__ import annotations

import datetime as dt

from fangkong.cases.models import Case
from fangkong.people.custody import register_control_time_provider


def case_isolations(person_ids: list[int]) -> dict[int, list[dt.datetime]]:
    rows = Case.objects.filter(person_id__in=person_ids, isolated_at__isnull=False)
    pairs = rows.values_list("person_id", "isolated_at")
    return {person_id: [at] for person_id, at in pairs if at is not None}


def register() -> None:
    register_control_time_provider(case_isolations)
