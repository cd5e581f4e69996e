import pytest
from django.core import mail
from django.db import transaction

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.alerts.services import alert_raise
from fangkong.command.models import Channel, DeliveryStatus, Notification, OutboxMessage
from fangkong.command.services.notifications import notification_send, outbox_deliver
from fangkong.command.tests.conftest import at
from fangkong.testing.cast import PASSWORD


@pytest.fixture
def unit_user(committee, jiankang):
    return user_create(
        username="committee_staff", password=PASSWORD, role=Role.UNIT_REPORTER,
        jurisdiction=jiankang, unit=committee, check_password_strength=False, by=None,
    )  # fmt: skip


def test_an_alert_reaches_its_units_users_the_district_office_and_the_hq(
    django_capture_on_commit_callbacks,
    hq_admin,
    liangxi_officer,
    binhu_officer,
    unit_user,
    committee,
    jiankang,
):
    with django_capture_on_commit_callbacks(execute=True):
        alert_raise(
            kind="quarantine.fever",
            title="隔离人员发热 38.2℃",
            jurisdiction=jiankang,
            unit=committee,
            by=None,
        )
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"committee_staff", "liangxi_officer", "hq_admin"}


def test_every_message_is_in_the_outbox_and_e_mail_waits_for_the_job(hq_admin, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hq_admin.email = "hq@example.org"
    hq_admin.save()
    notification_send(recipients=[hq_admin], kind="alert", title="测试", by=None)
    in_app = OutboxMessage.objects.get(channel=Channel.IN_APP)
    email = OutboxMessage.objects.get(channel=Channel.EMAIL)
    assert in_app.status == DeliveryStatus.SENT and email.status == DeliveryStatus.PENDING
    assert mail.outbox == []
    with transaction.atomic():
        assert outbox_deliver(at(9)) == 1
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.attempts == 1
    assert mail.outbox[0].to == ["hq@example.org"]


def test_a_failing_mail_server_is_recorded_and_retried_until_given_up(
    hq_admin, settings, monkeypatch
):
    settings.FANGKONG_OUTBOX_MAX_ATTEMPTS = 2
    hq_admin.email = "hq@example.org"
    hq_admin.save()
    notification_send(recipients=[hq_admin], kind="alert", title="测试", by=None)

    def refuse(**kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("fangkong.command.services.notifications.send_mail", refuse)
    for _ in range(3):
        with transaction.atomic():
            outbox_deliver(at(9))
    email = OutboxMessage.objects.get(channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.FAILED
    assert email.attempts == 2
    assert "smtp down" in email.last_error


def test_a_dedupe_key_tells_each_recipient_once(hq_admin):
    for _ in range(2):
        notification_send(
            recipients=[hq_admin, hq_admin], kind="alert", title="一次", dedupe_key="k", by=None
        )
    assert Notification.objects.count() == 1


def test_the_inbox_shows_unread_messages_and_marks_them_read(client, hq_admin):
    notification_send(recipients=[hq_admin], kind="alert", title="请查看", url="/alerts/", by=None)
    client.login(username="hq_admin", password=PASSWORD)
    assert "请查看" in client.get("/command/inbox/").content.decode()
    message = Notification.objects.get()
    response = client.post(f"/command/inbox/{message.pk}/read/")
    assert response["Location"] == "/alerts/"
    message.refresh_from_db()
    assert message.read_at is not None
