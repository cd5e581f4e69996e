"""Every list of the API pages one way (cursor: `next`, `previous`, `results`), refuses a page
size above the maximum and a cursor it did not make with 400 naming the parameter, and
filters with validated parameters: a value a list cannot honour is a 400, not an empty 200.

The lists are found in the schema, so a list added later is held to the same rules. Rows are
made through the API only (this module sits in core, below every area).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fangkong.core.api.pagination import MAX_PAGE_SIZE
from fangkong.facilities.models import Hospital
from fangkong.testing.identities import resident_id

pytestmark = pytest.mark.django_db

# GET operations that answer a plain array on purpose: a fixed set of figures, or one picture
# of one object, never rows that grow with the city.
NOT_LISTS = {
    "/api/v1/cases/figures/": "the tracing figures, a fixed set",
    "/api/v1/quarantine/sites/figures/": "the sites' figures summed, a fixed set",
    "/api/v1/quarantine/sites/{id}/figures/": "one site's figures, a fixed set",
    "/api/v1/hospitals/{id}/beds/": "one hospital's bed board, ward by ward",
    "/api/v1/policy/measures/": "the measures in force, one per kind",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock(), GENERATOR_STATS.silence():
        generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


@pytest.fixture(scope="module")
def list_operations(schema: dict[str, Any]) -> dict[str, str]:
    """Path → "paged" or "array" for every GET operation answering many rows."""
    components = schema["components"]["schemas"]
    found: dict[str, str] = {}
    for path, item in schema["paths"].items():
        answer = item.get("get", {}).get("responses", {}).get("200", {})
        body = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[-1]]
        if body.get("type") == "array":
            found[path] = "array"
        elif {"next", "previous", "results"} <= set(body.get("properties", {})):
            found[path] = "paged"
    return found


@pytest.fixture
def hq(hq_admin: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


@pytest.fixture
def site_id(hq: APIClient, city: Any) -> int:
    answer = hq.post("/api/v1/quarantine/sites/", {"name": "翠苑酒店", "jurisdiction": city.pk})
    assert answer.status_code == 201, answer.content
    return int(answer.json()["id"])


@pytest.fixture
def hospital(city: Any) -> Hospital:
    """A hospital for the lists under /hospitals/{id}/. No API registers hospitals (the
    directory is kept on the pages), so it is the shared directory's row itself."""
    return Hospital.objects.create(name="无锡市第五人民医院", jurisdiction=city)


def _url(hq: APIClient, path: str) -> str:
    """The path with its `{id}` filled in by the first row of the list it belongs to."""
    if "{" not in path:
        return path
    parent, rest = path.split("{", 1)
    rows = hq.get(parent).json()["results"]
    assert rows, f"no row in {parent} to ask {path}"
    row = rows[0].get("hospital", rows[0])  # the hospitals' list answers a row per hospital
    return f"{parent}{row['id']}{rest.split('}', 1)[1]}"


def _names_parameter(answer: Any, name: str) -> bool:
    body = answer.json()
    return answer.status_code == 400 and any(e["field"] == name for e in body["errors"])


def test_no_list_answers_a_plain_array(list_operations):
    plain = sorted(p for p, kind in list_operations.items() if kind == "array")
    assert [p for p in plain if p not in NOT_LISTS] == []


def test_every_list_answers_the_cursor_envelope(list_operations, hq, site_id, hospital):
    wrong = {}
    for path in sorted(p for p, kind in list_operations.items() if kind == "paged"):
        answer = hq.get(_url(hq, path))
        if answer.status_code != 200 or set(answer.json()) != {"next", "previous", "results"}:
            wrong[path] = (answer.status_code, answer.content[:200])
    assert wrong == {}


def test_every_list_refuses_a_page_size_above_the_maximum(list_operations, hq, site_id, hospital):
    paged = sorted(p for p, kind in list_operations.items() if kind == "paged")
    assert len(paged) > 30
    wrong = {}
    for path in paged:
        answer = hq.get(_url(hq, path), {"page_size": MAX_PAGE_SIZE + 1})
        if not _names_parameter(answer, "page_size"):
            wrong[path] = (answer.status_code, answer.content[:200])
    assert wrong == {}


def test_every_list_refuses_a_cursor_it_did_not_make(list_operations, hq, site_id, hospital):
    wrong = {}
    for path in sorted(p for p, kind in list_operations.items() if kind == "paged"):
        answer = hq.get(_url(hq, path), {"cursor": "bm90LWEtY3Vyc29y"})
        if not _names_parameter(answer, "cursor"):
            wrong[path] = (answer.status_code, answer.content[:200])
    assert wrong == {}


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",  # not base64
        "bm90LWEtY3Vyc29y",  # "not-a-cursor": base64, but not of DRF's parameters
        "cD1hYmM=",  # p=abc: a position that is no id
        "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # p=99999999999999999999999: past any id
        "bz0tMQ==",  # o=-1
        "cj3ZoQ==",  # r=١ (an Arabic-Indic digit)
    ],
)
def test_a_forged_cursor_is_a_400_naming_it_not_a_server_error(hq, cursor):
    answer = hq.get("/api/v1/persons/", {"cursor": cursor})
    assert _names_parameter(answer, "cursor")
    assert answer["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("size", ["0", "-1", "abc", "１２", "1.5", str(MAX_PAGE_SIZE + 1)])
def test_a_page_size_outside_one_to_the_maximum_is_a_400(hq, size):
    assert _names_parameter(hq.get("/api/v1/persons/", {"page_size": size}), "page_size")


def test_the_schema_documents_the_maximum_page_size(schema):
    parameters = schema["paths"]["/api/v1/persons/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == MAX_PAGE_SIZE
    assert str(MAX_PAGE_SIZE) in page_size["description"]


def _register(hq: APIClient, name: str) -> int:
    answer = hq.post("/api/v1/persons/", {"name": name, "id_number": resident_id()}, format="json")
    assert answer.status_code == 201, answer.content
    return int(answer.json()["id"])


def test_following_next_walks_the_whole_list_once(hq, city):
    ids = {
        _register(hq, "王一"),
        _register(hq, "王二"),
        _register(hq, "王三"),
    }
    first = hq.get("/api/v1/persons/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["previous"] is None
    following = urlsplit(first["next"])
    second = hq.get(f"{following.path}?{following.query}").json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted(ids) and second["next"] is None


def test_a_search_of_persons_narrows_and_one_too_long_is_a_400(hq, city):
    wang = _register(hq, "王一")
    _register(hq, "李二")
    rows = hq.get("/api/v1/persons/", {"q": "王"}).json()["results"]
    assert [r["id"] for r in rows] == [wang]
    assert _names_parameter(hq.get("/api/v1/persons/", {"q": "王" * 101}), "q")


def test_rooms_narrow_by_floor_and_refuse_a_floor_or_flag_that_is_no_value(hq, site_id):
    made = hq.post(
        f"/api/v1/quarantine/sites/{site_id}/rooms/",
        {"floors": [3, 4], "per_floor": 2, "kind": "single", "skip_digits": ""},
        format="json",
    )
    assert made.status_code == 201, made.content
    rows = hq.get("/api/v1/quarantine/rooms/", {"site": site_id, "floor": 3}).json()["results"]
    assert sorted(r["number"] for r in rows) == ["301", "302"]
    assert len(hq.get("/api/v1/quarantine/rooms/", {"free": "true"}).json()["results"]) == 4
    assert _names_parameter(hq.get("/api/v1/quarantine/rooms/", {"floor": "三"}), "floor")
    assert _names_parameter(hq.get("/api/v1/quarantine/rooms/", {"free": "yes"}), "free")
    assert _names_parameter(hq.get("/api/v1/quarantine/rooms/", {"site": "0"}), "site")


def test_a_missing_list_needs_its_day_and_slot_together(hq, site_id):
    url = f"/api/v1/quarantine/sites/{site_id}/missing/"
    assert hq.get(url, {"day": "2021-08-05", "slot": "morning"}).status_code == 200
    assert _names_parameter(hq.get(url, {"day": "2021-08-05"}), "slot")
    assert _names_parameter(hq.get(url, {"day": "8月5日", "slot": "morning"}), "day")
    assert _names_parameter(hq.get(url, {"day": "2021-08-05", "slot": "noon"}), "slot")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/cases/?flag=late", "flag"),
        ("/api/v1/cases/?classification=probable", "classification"),
        ("/api/v1/cases/contacts/?degree=3", "degree"),
        ("/api/v1/cases/contacts/?status=gone", "status"),
        ("/api/v1/cases/contacts/?overdue=2", "overdue"),
        ("/api/v1/cases/trace-runs/?case=x", "case"),
        ("/api/v1/quarantine/tests/?due=tomorrow", "due"),
        ("/api/v1/quarantine/placements/?active=si", "active"),
        ("/api/v1/hospitals/admissions/?hospital=１", "hospital"),
        ("/api/v1/hospitals/stocks/?below_safety=maybe", "below_safety"),
        ("/api/v1/hospitals/monitoring/?all=everything", "all"),
        ("/api/v1/alerts/?show=closed", "show"),
        ("/api/v1/audit/?kind=delete", "kind"),
        ("/api/v1/audit/?since=yesterday", "since"),
        ("/api/v1/specimens/?person=99999999999999999999", "person"),
    ],
)
def test_a_filter_value_a_list_cannot_honour_is_a_400_naming_it(hq, url, name):
    assert _names_parameter(hq.get(url), name)


def test_the_audit_trail_narrows_by_object_type(hq, city):
    _register(hq, "王一")
    rows = hq.get("/api/v1/audit/", {"object_type": "people.person", "kind": "write"}).json()
    assert rows["results"] and {r["object_type"] for r in rows["results"]} == {"people.person"}
    nothing = hq.get("/api/v1/audit/", {"object_type": "no.such"}).json()["results"]
    assert nothing == []


def test_alerts_list_open_ones_unless_asked_for_all(hq):
    assert hq.get("/api/v1/alerts/").status_code == 200
    assert hq.get("/api/v1/alerts/", {"show": "all"}).status_code == 200


def test_filters_are_documented_as_parameters_with_their_values(schema):

    def parameter(path: str, name: str) -> dict[str, Any]:
        found = schema["paths"][path]["get"]["parameters"]
        return next(p for p in found if p["name"] == name)

    assert parameter("/api/v1/cases/contacts/", "degree")["schema"]["enum"] == [1, 2]
    assert parameter("/api/v1/quarantine/rooms/", "free")["schema"]["type"] == "boolean"
    assert parameter("/api/v1/hospitals/staff/", "hospital")["schema"]["minimum"] == 1
    assert parameter("/api/v1/alerts/", "show")["schema"]["default"] == "open"
