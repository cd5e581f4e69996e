"""A list filtered by an id that is not ASCII digits answers 400 naming the parameter: never a
server error, nor an unfiltered or empty list."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/contacts/?degree=²",
        "/api/v1/cases/contacts/?case=²",
        "/api/v1/cases/investigations/?case=²",
        "/api/v1/cases/trace-runs/?case=²",
        "/api/v1/cases/trace-requests/?case=²",
        "/api/v1/hospitals/staff/?hospital=²",
        "/api/v1/hospitals/admissions/?hospital=²",
        "/api/v1/quarantine/placements/?site=²",
        "/api/v1/specimens/?person=²",
    ],
)
def test_a_superscript_digit_in_an_id_filter_is_a_400_naming_it(client, hq_admin, url):
    client.force_login(hq_admin)
    answer = client.get(url)
    name = url.split("?", 1)[1].split("=", 1)[0]
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == [name]
