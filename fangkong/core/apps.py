from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from django.conf import settings

        from fangkong.core.api.schema import enum_name_overrides
        from fangkong.core.idempotency import register as register_idempotency_jobs

        register_idempotency_jobs()

        # Models are all imported by now, so every enumeration is known.
        configured: dict[str, object] = settings.SPECTACULAR_SETTINGS.get(  # type: ignore[assignment]
            "ENUM_NAME_OVERRIDES", {}
        )
        settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
            **enum_name_overrides(),
            **configured,
        }
