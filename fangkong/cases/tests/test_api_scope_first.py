"""A case outside the caller's reach answers 404 whatever the body."""

import pytest
from rest_framework.test import APIClient

from fangkong.cases.models import Investigation


@pytest.fixture
def case(make_case, zhang_san):
    return make_case(zhang_san)  # 梁溪's 张三


def _post(user, url):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(url, {}, format="json")


@pytest.mark.parametrize("action", ["reclassify", "report"])
def test_an_officer_of_another_district_learns_nothing_from_an_empty_post_to_a_case(
    case, binhu_officer, action
):
    assert _post(binhu_officer, f"/api/v1/cases/{case.pk}/{action}/").status_code == 404


def test_an_officer_of_another_district_learns_nothing_of_an_itinerary(case, binhu_officer):
    investigation = Investigation.objects.get(case=case)
    url = f"/api/v1/cases/investigations/{investigation.pk}/itinerary/"
    assert _post(binhu_officer, url).status_code == 404


def test_the_cases_own_district_still_gets_the_fields_it_missed(case, liangxi_officer):
    assert _post(liangxi_officer, f"/api/v1/cases/{case.pk}/reclassify/").status_code == 400
