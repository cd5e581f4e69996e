"""The pages: who lands where, who sees what, and the staff's flows through them."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from fangkong.core.models import AuditEvent
from fangkong.people.selectors import person_list
from fangkong.quarantine.models import HealthObservation, Placement, Sample, Slot
from fangkong.quarantine.services.release import placement_release
from fangkong.quarantine.services.sampling import sample_record
from fangkong.quarantine.tests.support import room
from fangkong.testing.identities import resident_id


@pytest.fixture
def recent(place, new_person):
    """Someone placed yesterday (pages work on today's date)."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    return place(new_person("在住甲"), "301", starts_at=yesterday)


def test_site_staff_land_on_their_site(client, worker, site):
    client.force_login(worker)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/quarantine/sites/{site.pk}/"


def test_site_staff_see_the_people_placed_at_their_site_wherever_they_live(
    place, new_person, worker, li_si, site_staff, hubin
):
    # li_si lives in binhu, outside the staff's liangxi jurisdiction
    assert li_si not in person_list(viewer=worker)
    place(li_si, "301")
    assert li_si in person_list(viewer=worker)


def test_every_site_page_renders_for_the_staff(client, worker, site, recent):
    client.force_login(worker)
    for path in [
        f"/quarantine/sites/{site.pk}/",
        f"/quarantine/sites/{site.pk}/floors/3/",
        f"/quarantine/sites/{site.pk}/floors/3/observations/",
        f"/quarantine/sites/{site.pk}/missing/",
        f"/quarantine/sites/{site.pk}/tests/",
        f"/quarantine/sites/{site.pk}/home-monitoring/",
        f"/quarantine/sites/{site.pk}/batches/",
        f"/quarantine/sites/{site.pk}/batches/new/",
        f"/quarantine/sites/{site.pk}/reviews/",
        f"/quarantine/sites/{site.pk}/staff/",
        f"/quarantine/sites/{site.pk}/checklist/",
        f"/quarantine/sites/{site.pk}/cards/",
        f"/quarantine/rooms/{recent.room_id}/",
        f"/quarantine/rooms/{recent.room_id}/card/",
        f"/quarantine/placements/{recent.pk}/",
        "/quarantine/schemes/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "在住甲" in client.get(f"/quarantine/sites/{site.pk}/").content.decode()


def test_the_floor_plan_refreshes_itself_and_shows_who_arrived_since(
    client, worker, site, recent, place, new_person
):
    # Given the site page, whose floor plan polls its own fragment
    client.force_login(worker)
    fragment = f"/quarantine/sites/{site.pk}/floor-plan/"
    assert f'hx-get="{fragment}"' in client.get(f"/quarantine/sites/{site.pk}/").content.decode()
    assert (
        f'hx-get="{fragment}?floor=3"'
        in client.get(f"/quarantine/sites/{site.pk}/floors/3/").content.decode()
    )

    # When someone is placed on floor 3 after the page was drawn
    place(new_person("新到乙"), "302")

    # Then the next poll shows them, on the whole plan and on floor 3 alone
    assert "新到乙" in client.get(fragment).content.decode()
    floor_3 = client.get(fragment, {"floor": 3}).content.decode()
    assert "新到乙" in floor_3 and "在住甲" in floor_3


def test_the_floor_plan_fragment_is_404_outside_the_viewers_jurisdiction(
    client, binhu_officer, site
):
    client.force_login(binhu_officer)
    assert client.get(f"/quarantine/sites/{site.pk}/floor-plan/").status_code == 404


def test_the_room_card_carries_the_self_report_link_as_a_qr_code(client, worker, recent, settings):
    settings.PUBLIC_BASE_URL = "https://fk.example.cn"
    client.force_login(worker)
    page = client.get(f"/quarantine/rooms/{recent.room_id}/card/").content.decode()
    assert f"https://fk.example.cn/quarantine/r/{recent.report_token}/" in page
    assert "<svg" in page


def test_another_districts_officer_gets_404_for_the_site_and_its_people(
    client, binhu_officer, site, recent
):
    client.force_login(binhu_officer)
    assert client.get(f"/quarantine/sites/{site.pk}/").status_code == 404
    assert client.get(f"/quarantine/placements/{recent.pk}/").status_code == 404
    assert "锡惠大酒店" not in client.get("/quarantine/").content.decode()


def test_the_hq_sees_every_site_with_its_figures(client, hq_admin, site, recent):
    client.force_login(hq_admin)
    page = client.get("/quarantine/").content.decode()
    assert "锡惠大酒店" in page
    assert 'data-figure="quarantine.people_now"' in page


def test_the_staff_type_a_floor_of_readings_in_one_go(
    client, worker, site, recent, place, new_person
):
    other = place(new_person("在住乙"), "302", starts_at=recent.starts_at)
    client.force_login(worker)
    day = timezone.localdate().isoformat()
    url = f"/quarantine/sites/{site.pk}/floors/3/observations/?day={day}&slot=evening"
    response = client.post(
        url,
        {f"t-{recent.pk}": "378", f"t-{other.pk}": "36.4", f"s-{other.pk}": ["cough"]},
    )
    assert response.status_code == 302
    readings = {o.person.name: o for o in HealthObservation.objects.all()}
    assert str(readings["在住甲"].temperature) == "37.8"
    assert readings["在住乙"].symptoms == ["cough"]
    assert readings["在住甲"].slot == Slot.EVENING


def test_a_refused_grid_keeps_what_was_typed_and_names_the_room(client, worker, site, recent):
    client.force_login(worker)
    response = client.post(
        f"/quarantine/sites/{site.pk}/floors/3/observations/", {f"t-{recent.pk}": "3"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "301：" in page and 'value="3"' in page


def test_a_batch_file_upload_places_people_and_shows_the_sheet(client, worker, site):
    client.force_login(worker)
    data = io.BytesIO(
        (
            "姓名,证件号码,人员类别,末次暴露时间\n"
            f"赵一,{resident_id()},密接,2021-07-27 20:00\n"
            f"赵二,{resident_id()},密接,2021-07-27 20:00\n"
        ).encode()
    )
    data.name = "名单.csv"
    response = client.post(
        f"/quarantine/sites/{site.pk}/batches/new/",
        {"file": data, "source": "流调", "arrived_at": "2021-07-28T10:00"},
    )
    assert response.status_code == 302
    sheet = client.get(response["Location"] + "?print=1").content.decode()
    assert "赵一" in sheet and "分房表" in sheet


def test_a_batch_file_with_an_error_shows_the_row(client, worker, site):
    client.force_login(worker)
    data = io.BytesIO(f"姓名,证件号码,人员类别,末次暴露时间\n赵一,{resident_id()},游客,\n".encode())
    data.name = "名单.csv"
    response = client.post(
        f"/quarantine/sites/{site.pk}/batches/new/",
        {"file": data, "arrived_at": "2021-07-28T10:00"},
    )
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    assert not Placement.objects.exists()


def test_the_certificate_is_printable_only_after_release(
    client, worker, place, new_person, settings
):
    start = timezone.now() - dt.timedelta(days=15)
    placement = place(new_person("解除者"), "301", starts_at=start)
    client.force_login(worker)
    assert client.get(f"/quarantine/placements/{placement.pk}/certificate/").status_code == 404
    for test in placement.tests.all():
        taken = timezone.make_aware(dt.datetime.combine(test.due_on, dt.time(8)))
        for lab in ["市疾控中心", "第三方实验室"][: test.samples_required]:
            sample_record(
                test=test, sampled_at=taken, lab=lab, result="negative",
                result_at=taken + dt.timedelta(hours=5), by=worker,
            )  # fmt: skip
    placement_release(placement=placement, by=worker)
    page = client.get(f"/quarantine/placements/{placement.pk}/certificate/").content.decode()
    assert "解除集中隔离医学观察证明" in page and "解除者" in page


def test_the_sampling_round_and_results_are_entered_from_the_tests_page(
    client, worker, site, place, new_person
):
    # Placed at midnight: today is its first day whatever the time of the run.
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    placement = place(new_person("检测者"), "301", starts_at=midnight)
    due = placement.tests.get(due_on=timezone.localdate())
    client.force_login(worker)
    client.post(
        f"/quarantine/sites/{site.pk}/tests/sampling/",
        {
            "test": [due.pk],
            "sampled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "lab": "市疾控",
        },
    )
    sample = Sample.objects.get()
    client.post(
        f"/quarantine/sites/{site.pk}/tests/results/",
        {
            "sample": [sample.pk],
            "result": "negative",
            "result_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    due.refresh_from_db()
    assert due.outcome == "negative"
    assert AuditEvent.objects.filter(action="sample.results").count() == 1


def test_a_person_placed_by_hand_from_a_free_room(client, worker, site):
    client.force_login(worker)
    free = room(site, "303")
    response = client.post(
        f"/quarantine/rooms/{free.pk}/place/",
        {
            "name": "钱五",
            "id_type": "resident_id",
            "id_number": resident_id(),
            "category": "inbound_traveller",
            "arrival_at": "2021-07-27T08:00",
            "starts_at": "2021-07-27T12:00",
        },
    )
    assert response.status_code == 302
    assert Placement.objects.get().person.name == "钱五"


def test_the_pages_read_in_english_for_an_english_speaker(client, worker, site):
    client.force_login(worker)
    client.cookies["django_language"] = "en"
    page = client.get(f"/quarantine/sites/{site.pk}/").content.decode()
    assert "Free rooms" in page and "Floors and rooms" in page


def test_a_persons_page_shows_their_placements(client, hq_admin, recent):
    client.force_login(hq_admin)
    page = client.get(f"/persons/{recent.person_id}/").content.decode()
    assert 'data-testid="quarantine-panel"' in page and "锡惠大酒店 301" in page


def test_the_site_pages_live_part_refreshes_alone_through_htmx(client, worker, site, recent):
    client.force_login(worker)
    part = client.get(f"/quarantine/sites/{site.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert part.lstrip().startswith('<div id="site-live"') and "<html" not in part
