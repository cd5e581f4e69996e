import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.command.forms import NoticeMeasureForm
from fangkong.command.models import NoticeReceipt, NoticeStatus, Notification, NotificationKind
from fangkong.command.services.notices import (
    MeasureLine,
    notice_create,
    notice_mark_read,
    notice_publish,
    notices_activate,
    notices_chase_unread,
)
from fangkong.command.tests.conftest import at
from fangkong.core.errors import Conflict
from fangkong.policy.models import Measure
from fangkong.policy.selectors import measure_in_force

BARS_TIGHTENED = MeasureLine(kind="test.capacity_tier", subject="bar", value="tightened")


def _notice_33(hq_admin, measures=(BARS_TIGHTENED,), **extra):
    return notice_create(
        number=33,
        title="关于进一步加强娱乐场所疫情防控的通告",
        body="即日20:00起，全市酒吧限流50%。",
        effective_at=at(20),
        measures=list(measures),
        by=hq_admin,
        **extra,
    )


def test_a_notice_that_tightens_bars_from_20_00_changes_nothing_at_19_59_and_everything_at_20_00(
    capacity_kind, hq_admin
):
    notice = notice_publish(notice=_notice_33(hq_admin), by=hq_admin, at=at(18))

    assert measure_in_force("test.capacity_tier", "bar", at=at(19, 59)) == "normal"
    assert measure_in_force("test.capacity_tier", "bar", at=at(20)) == "tightened"
    assert measure_in_force("test.capacity_tier", "ktv", at=at(20)) == "normal"
    measure = notice.measures.get().measure
    assert measure is not None
    assert measure.source == "第33号通告"
    assert measure.effective_at == at(20)


def test_a_draft_notice_sets_no_measure_until_it_is_published(capacity_kind, hq_admin):
    _notice_33(hq_admin)
    assert not Measure.objects.exists()
    assert measure_in_force("test.capacity_tier", "bar", at=at(21)) == "normal"


def test_a_notice_is_published_once(capacity_kind, hq_admin):
    notice = notice_publish(notice=_notice_33(hq_admin), by=hq_admin)
    with pytest.raises(Conflict):
        notice_publish(notice=notice, by=hq_admin)
    assert Measure.objects.count() == 1


def test_a_bad_measure_names_its_line_and_saves_nothing(capacity_kind, hq_admin):
    bad = MeasureLine(kind="test.capacity_tier", subject="bar", value="half")
    with pytest.raises(ValidationError) as refused:
        _notice_33(hq_admin, measures=[BARS_TIGHTENED, bad])
    assert "第2条措施" in refused.value.message_dict["measures"][0]
    from fangkong.command.models import Notice

    assert not Notice.objects.exists()


def test_a_notice_number_is_used_once(capacity_kind, hq_admin):
    _notice_33(hq_admin)
    with pytest.raises(Conflict) as refused:
        _notice_33(hq_admin)
    assert refused.value.code == "notice_number_taken"


def test_the_notice_form_offers_every_registered_measure_kind(capacity_kind, db):
    kinds = dict(NoticeMeasureForm().fields["kind"].choices)  # type: ignore[attr-defined]
    assert "test.capacity_tier" in kinds
    assert "command.risk_level" in kinds and "command.report_cutoff" in kinds


def test_units_concerned_confirm_reading_and_the_others_are_chased_once(
    capacity_kind, hq_admin, reporter, committee, health_commission
):
    notice = notice_publish(
        notice=_notice_33(hq_admin, addressed_units=[committee, health_commission]),
        by=hq_admin,
        at=at(8),
    )
    assert set(notice.receipts.values_list("unit", flat=True)) == {
        committee.pk,
        health_commission.pk,
    }
    notice_mark_read(notice=notice, by=reporter)
    assert NoticeReceipt.objects.get(notice=notice, unit=committee).read_by == reporter

    later = at(23)
    assert notices_chase_unread(later) == 1  # only the commission has not read it
    assert notices_chase_unread(later) == 0
    assert NoticeReceipt.objects.get(unit=health_commission).chased_at == later


def test_the_activation_job_puts_a_notice_in_force_once_its_time_has_come(
    capacity_kind, hq_admin, reporter, committee
):
    notice = notice_publish(notice=_notice_33(hq_admin), by=hq_admin, at=at(8))
    assert notices_activate(at(19, 59)) == 0
    assert notices_activate(at(20)) == 1
    assert notices_activate(at(20, 5)) == 0
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.IN_FORCE
    assert (
        Notification.objects.filter(
            recipient=reporter, kind=NotificationKind.NOTICE_IN_FORCE
        ).count()
        == 1
    )


def test_the_public_page_shows_published_notices_without_login_and_hides_drafts(
    capacity_kind, client, hq_admin
):
    draft = _notice_33(hq_admin)
    assert client.get(reverse("command:notice_public", args=[33])).status_code == 404
    notice_publish(notice=draft, by=hq_admin)
    page = client.get(reverse("command:notice_public", args=[33]))
    assert page.status_code == 200
    assert "第33号通告" in page.content.decode()
    assert (
        "关于进一步加强娱乐场所疫情防控的通告"
        in client.get(reverse("command:notice_public_list")).content.decode()
    )


def test_the_hq_drafts_a_notice_with_measures_on_the_page_and_publishes_it(
    capacity_kind, client, hq_admin
):
    from fangkong.testing.cast import PASSWORD

    client.login(username="hq_admin", password=PASSWORD)
    response = client.post(
        reverse("command:notice_create"),
        {
            "number": "33",
            "title": "关于进一步加强娱乐场所疫情防控的通告",
            "body": "即日20:00起，全市酒吧限流。",
            "effective_at": "2021-08-03T20:00",
            "measures-TOTAL_FORMS": "2",
            "measures-INITIAL_FORMS": "0",
            "measures-0-kind": "test.capacity_tier",
            "measures-0-subject": "bar",
            "measures-0-value": "tightened",
            "measures-1-kind": "",
            "measures-1-subject": "",
            "measures-1-value": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    from fangkong.command.models import Notice

    notice = Notice.objects.get(number=33)
    client.post(reverse("command:notice_publish", args=[notice.pk]))
    assert measure_in_force("test.capacity_tier", "bar", at=at(20)) == "tightened"
    detail = client.get(reverse("command:notice_detail", args=[notice.pk])).content.decode()
    assert "酒吧" in detail and "tightened" in detail


def test_the_notice_page_shows_its_measures_in_force_at_any_moment(capacity_kind, client, hq_admin):
    from fangkong.testing.cast import PASSWORD

    notice = notice_publish(notice=_notice_33(hq_admin), by=hq_admin, at=at(18))
    client.login(username="hq_admin", password=PASSWORD)
    url = reverse("command:notice_detail", args=[notice.pk])
    before = client.get(url, {"at": "2021-08-03T19:59"}).content.decode()
    after = client.get(url, {"at": "2021-08-03T20:00"}).content.decode()
    assert "执行中" not in before and "未生效或已被替代" in before
    assert "执行中" in after


def test_a_draft_is_corrected_before_publishing_and_a_published_notice_never_is(
    capacity_kind, client, hq_admin
):
    from fangkong.testing.cast import PASSWORD

    notice = _notice_33(hq_admin)
    client.login(username="hq_admin", password=PASSWORD)
    form = {
        "title": "关于进一步加强娱乐场所疫情防控的通告（修订）",
        "body": "即日20:00起，全市KTV停业。",
        "effective_at": "2021-08-03T20:00",
        "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "1",
        "measures-0-kind": "test.capacity_tier",
        "measures-0-subject": "ktv",
        "measures-0-value": "closed",
    }
    assert client.post(reverse("command:notice_edit", args=[notice.pk]), form).status_code == 302
    notice.refresh_from_db()
    assert notice.title.endswith("（修订）")
    assert [(m.subject, m.value) for m in notice.measures.all()] == [("ktv", "closed")]

    notice_publish(notice=notice, by=hq_admin)
    from fangkong.command.services.notices import notice_update

    with pytest.raises(Conflict):
        notice_update(
            notice=notice, title="x", body="y", effective_at=at(21), measures=[],
            addressed_units=[], by=hq_admin,
        )  # fmt: skip
