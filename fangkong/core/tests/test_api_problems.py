"""Every error of the API is problem details (RFC 9457) with a machine code, in the language
the client asked for (Chinese by default), and never an HTML page."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from fangkong.accounts.services.tokens import api_token_create
from fangkong.core.api.errors import drf_field_errors
from fangkong.core.api.problems import PROBLEM_CONTENT_TYPE
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.testing.problems import error_codes, field_errors, problem, row_errors

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def raising(exc: Exception):
    """A view of the API that raises `exc`, answered through the API's exception handler."""

    class Raising(APIView):
        permission_classes: list = []

        def get(self, request):
            raise exc

    return Raising.as_view()


def answer_to(exc: Exception, path: str = "/api/v1/anything/"):
    response = raising(exc)(APIRequestFactory().get(path))
    response.render()
    return response


def test_a_missing_field_is_a_400_naming_its_json_key_with_drfs_code(hq_admin):
    answer = api(hq_admin).post("/api/v1/persons/", {"phone": "13800000000"}, format="json")
    body = problem(answer, 400)
    assert body["code"] == "invalid"
    assert body["type"] == "https://fangkong.invalid/problems/invalid"
    assert body["title"] == "请求无效"
    assert body["instance"] == "/api/v1/persons/"
    assert error_codes(answer)["name"] == ["required"]
    assert field_errors(answer)["name"] == ["该字段是必填项。"]


def test_a_nested_field_is_named_by_its_dotted_path(hq_admin, zhang_san):
    entries = [{"person": zhang_san.pk, "category": "close_contact"}, {"category": "nonsense"}]
    answer = api(hq_admin).post(
        "/api/v1/quarantine/batches/", {"site": 1, "entries": entries}, format="json"
    )
    assert answer.status_code == 400
    errors = field_errors(answer)
    assert "entries.1.category" in errors
    assert not any(key.startswith("entries.0") for key in errors)


def test_a_non_field_error_has_a_null_field():
    answer = answer_to(exceptions.ValidationError("两者只能选其一"))
    assert answer.status_code == 400
    assert problem(answer)["errors"] == [
        {"field": None, "code": "invalid", "detail": "两者只能选其一"}
    ]
    assert problem(answer)["detail"] == "两者只能选其一"


def test_djangos_validation_error_names_the_field_and_keeps_its_code():
    refusal = DjangoValidationError(
        {
            "id_number": DjangoValidationError(
                "证件号码 %(n)s 无效", code="bad_id", params={"n": 7}
            ),
            "__all__": DjangoValidationError("至少填写一项"),
        }
    )
    answer = answer_to(refusal)
    assert answer.status_code == 400
    assert error_codes(answer) == {"id_number": ["bad_id"], "": ["invalid"]}
    assert field_errors(answer)["id_number"] == ["证件号码 7 无效"]
    assert "2" in problem(answer)["detail"]  # several errors: the detail counts them


def test_nested_drf_errors_flatten_to_dotted_keys():
    detail = {
        "entries": [{}, {"phone": [ErrorDetail("无效", "invalid")], "non_field_errors": ["重复"]}],
        "tags": {2: [ErrorDetail("太长", "max_length")]},
    }
    assert [(e["field"], e["code"], e["detail"]) for e in drf_field_errors(detail)] == [
        ("entries.1.phone", "invalid", "无效"),
        ("entries.1", "invalid", "重复"),
        ("tags.2", "max_length", "太长"),
    ]


def test_a_refused_batch_names_each_row_and_the_json_key_of_its_column(hq_admin, zhang_san):
    records = [{"record_id": "X1", "venue_code": "nope", "id_number": zhang_san.id_number,
                "check_in": "2021-07-28T19:00:00"}]  # fmt: skip
    answer = api(hq_admin).post(
        "/api/v1/venues/checkins/ingest/", {"records": records}, format="json"
    )
    assert problem(answer, 400)["code"] == "invalid"
    [(row, field, detail)] = row_errors(answer)
    assert (row, field) == (1, "venue_code") and "X1" in detail


def test_a_missing_token_is_401_with_www_authenticate():
    answer = api().get("/api/v1/persons/")
    body = problem(answer, 401)
    assert body["code"] == "not_authenticated"
    assert answer["WWW-Authenticate"] == "Token"
    assert body["detail"] == "身份认证信息未提供。"


def test_a_wrong_token_is_401_authentication_failed():
    answer = api().get("/api/v1/persons/", HTTP_AUTHORIZATION="Token nonsense")
    assert problem(answer, 401)["code"] == "authentication_failed"
    assert answer["WWW-Authenticate"] == "Token"


def test_a_token_of_a_role_without_the_capability_is_403(venue_manager):
    _token, key = api_token_create(user=venue_manager, name="t", by=venue_manager)
    answer = api().get("/api/v1/audit/", HTTP_AUTHORIZATION=f"Token {key}")
    assert problem(answer, 403)["code"] == "permission_denied"
    assert problem(answer)["title"] == "无权操作"


def test_an_unknown_object_is_404_in_chinese_by_default_and_english_on_request(hq_admin):
    chinese = api(hq_admin).get("/api/v1/persons/999999/")
    assert problem(chinese, 404)["code"] == "not_found"
    assert (problem(chinese)["title"], problem(chinese)["detail"]) == ("未找到", "未找到。")
    english = api(hq_admin).get("/api/v1/persons/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert (problem(english)["title"], problem(english)["detail"]) == ("Not found", "Not found.")


def test_a_method_the_resource_lacks_is_405(hq_admin):
    answer = api(hq_admin).delete("/api/v1/policy/measures/")
    assert problem(answer, 405)["code"] == "method_not_allowed"
    assert "DELETE" in problem(answer)["detail"]


def test_a_conflict_of_a_service_is_409_with_its_code(liangxi_officer, li_si):
    # li_si lives in binhu: outside liangxi the ID document answers 409, showing nothing.
    answer = api(liangxi_officer).post(
        "/api/v1/persons/",
        {"name": "某人", "id_number": li_si.id_number},
        format="json",
    )
    body = problem(answer, 409)
    assert body["code"] == "person_registered_elsewhere"
    assert body["type"].endswith("/person_registered_elsewhere")
    assert body["errors"] == []


def test_a_duplicate_natural_key_is_409_not_400(hq_admin):
    notice = {"number": 33, "title": "通告", "body": "……", "effective_at": "2021-07-28T10:00:00Z"}
    assert api(hq_admin).post("/api/v1/command/notices/", notice, format="json").status_code == 201
    again = api(hq_admin).post("/api/v1/command/notices/", notice, format="json")
    assert problem(again, 409)["code"] == "notice_number_taken"
    assert problem(again)["detail"] == "第33号通告已存在"


def test_a_conflict_carries_its_extensions():
    answer = answer_to(Conflict("没有空床", code="no_free_bed", extensions={"alternatives": []}))
    assert problem(answer, 409)["alternatives"] == []


def test_a_unique_constraint_caught_only_by_the_database_is_409(city):
    def duplicate():
        Jurisdiction.objects.create(code=city.code, name="又一个", level=city.level)

    class Duplicating(APIView):
        permission_classes: list = []

        def post(self, request):
            duplicate()

    response = Duplicating.as_view()(APIRequestFactory().post("/api/v1/x/"))
    response.render()
    assert problem(response, 409)["code"] == "conflict"


def test_a_throttled_client_is_told_when_to_retry():
    answer = answer_to(exceptions.Throttled(wait=42))
    assert problem(answer, 429)["code"] == "throttled"
    assert answer["Retry-After"] == "42"


def test_an_unsupported_body_is_415_and_a_broken_one_is_400(hq_admin):
    text = api(hq_admin).post("/api/v1/persons/", "name", content_type="text/plain")
    assert problem(text, 415)["code"] == "unsupported_media_type"
    broken = api(hq_admin).post("/api/v1/persons/", "{oops", content_type="application/json")
    assert problem(broken, 400)["code"] == "parse_error"


def test_a_problem_is_json_even_to_a_client_asking_for_html(hq_admin):
    answer = api(hq_admin).get("/api/v1/persons/999999/", HTTP_ACCEPT="text/html")
    assert problem(answer, 404)["code"] == "not_found"


def test_a_crash_in_an_api_view_is_a_logged_500_problem_that_leaks_nothing(
    hq_admin, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("fangkong.policy.api.views.measure_board", broken)
    client = Client(raise_request_exception=False)
    client.force_login(hq_admin)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = client.get("/api/v1/policy/measures/")
    body = problem(answer, 500)
    assert body["code"] == "server_error"
    assert "secret" not in answer.content.decode() and "Traceback" not in answer.content.decode()
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


def test_an_unknown_api_path_is_a_404_problem_but_an_unknown_page_stays_html():
    answer = Client().get("/api/v1/no-such-thing/")
    assert problem(answer, 404)["code"] == "not_found"
    assert problem(answer)["instance"] == "/api/v1/no-such-thing/"
    page = Client().get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert not page["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
