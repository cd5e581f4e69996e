from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Before the areas' own jobs (50), so that the venues' over-limit scan of the same run sees
# the evening crowd the clock has just let in.
CLOCK_ORDER = 10


class DemoConfig(AppConfig):
    name = "fangkong.demo"
    label = "demo"
    verbose_name = _("演示城市")

    def ready(self) -> None:
        from fangkong.demo.clock import clock_tick
        from fangkong.operations.job_runner import register_jobs

        # Registered always; the job does nothing unless FANGKONG_DEMO_CLOCK is on.
        register_jobs("demo", [("clock", clock_tick)], order=CLOCK_ORDER)
