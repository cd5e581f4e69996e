import datetime as dt

from django.test import Client
from django.urls import reverse

from fangkong.command.services.tasks import task_issue
from fangkong.command.tests.conftest import at
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create


def _task(hq_admin, unit, title):
    return task_issue(
        title=title,
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=unit,
        deadline=at(18, day=dt.date(2021, 8, 5)),
        by=hq_admin,
        at=at(8),
    )


def _titles(client: Client, **params: int | str) -> list[str]:
    response = client.get(reverse("command:task_list"), params)
    assert response.status_code == 200
    return sorted(task.title for task in response.context["page"].items)


def test_the_task_list_shows_only_the_tasks_lying_in_the_chosen_district(
    client, hq_admin, committee, health_commission, hubin, hq_unit, liangxi, binhu
):
    hubin_office = unit_create(
        name="湖滨社区居委会",
        kind=ResponsibilityKind.TERRITORY,
        jurisdiction=hubin,
        parent=hq_unit,
        by=None,
    )
    _task(hq_admin, committee, "健康社区排查")
    _task(hq_admin, hubin_office, "湖滨社区排查")
    _task(hq_admin, health_commission, "全市物资盘点")
    client.force_login(hq_admin)
    assert _titles(client, district=liangxi.pk) == ["健康社区排查"]
    assert _titles(client, district=binhu.pk, overdue=1) == ["湖滨社区排查"]
    assert len(_titles(client)) == 3
    response = client.get(reverse("command:task_list"), {"district": liangxi.pk, "overdue": 1})
    assert response.context["counts"]["issued"] == 1
    assert 'data-testid="task-district"' in response.content.decode()
