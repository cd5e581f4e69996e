from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Telling other systems what happened: subscriptions, an outbox of events written in the
    transaction of the write, and signed deliveries retried by a job. Areas call
    `services.events.webhook_event_record`; it knows none of them."""

    name = "fangkong.webhooks"
    label = "webhooks"
    verbose_name = _("事件推送")

    def ready(self) -> None:
        from fangkong.accounts.capabilities import grant
        from fangkong.accounts.roles import Role
        from fangkong.webhooks import jobs

        # The HQ connects other government systems; a district cannot see what they are told.
        grant("webhook.manage", [Role.HQ_ADMIN])
        jobs.register()
