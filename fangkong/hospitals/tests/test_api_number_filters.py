"""A list filtered by an id that is not ASCII digits is not filtered, never a server error."""

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
def test_a_superscript_digit_in_an_id_filter_is_no_server_error(client, hq_admin, url):
    client.force_login(hq_admin)
    assert client.get(url).status_code == 200
