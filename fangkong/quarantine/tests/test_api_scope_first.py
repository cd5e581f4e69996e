"""An object outside the caller's reach answers 404 whatever the body: the object is looked
up before the body is validated, so an empty POST does not tell that the id exists."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def placed(place, new_person):
    return place(new_person("周某"), "301")


def _post(user, url):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(url, {}, format="json")


@pytest.mark.parametrize("action", ["companion", "move", "observations", "transfer"])
def test_an_officer_of_another_district_learns_nothing_from_an_empty_post_to_a_placement(
    placed, binhu_officer, action
):
    url = f"/api/v1/quarantine/placements/{placed.pk}/{action}/"
    assert _post(binhu_officer, url).status_code == 404


def test_an_officer_of_another_district_learns_nothing_of_a_site_from_an_empty_post(
    site, binhu_officer
):
    assert _post(binhu_officer, f"/api/v1/quarantine/sites/{site.pk}/rooms/").status_code == 404


def test_the_sites_own_staff_still_get_the_fields_they_missed(placed, worker):
    response = _post(worker, f"/api/v1/quarantine/placements/{placed.pk}/move/")
    assert response.status_code == 400
    assert "room" in response.content.decode()


def test_lists_and_creation_are_not_looked_up_as_objects(placed, binhu_officer, worker):
    api = APIClient()
    api.force_authenticate(binhu_officer)
    assert api.get("/api/v1/quarantine/placements/").status_code == 200
    api.force_authenticate(worker)
    assert api.post("/api/v1/quarantine/placements/", {}, format="json").status_code == 400


def test_a_verb_a_route_does_not_serve_still_answers_405(placed, binhu_officer):
    api = APIClient()
    api.force_authenticate(binhu_officer)
    assert api.delete(f"/api/v1/quarantine/placements/{placed.pk}/").status_code == 405
