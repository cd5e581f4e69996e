from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What keeps the platform running for every area: the periodic jobs and the daily
    briefing's gathering. Areas register into it from their ready(); it knows none of them."""

    name = "fangkong.operations"
    label = "operations"
    verbose_name = _("运行保障")
