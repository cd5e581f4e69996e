from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import NavItem


class OperationsConfig(AppConfig):
    """What keeps the platform running for every area: the worker, the periodic jobs, the
    background work of the pages and the daily briefing's gathering. Areas register into it
    from their ready(); it knows none of them."""

    name = "fangkong.operations"
    label = "operations"
    verbose_name = _("运行保障")
    # Everyone's own background work: whoever may start one sees it here.
    nav_items = (
        NavItem(
            _("后台任务"), "operations:work_list", "account.view", order=980, icon="hourglass-split"
        ),
    )

    def ready(self) -> None:
        from fangkong.operations.job_runner import register_jobs
        from fangkong.operations.queue import task_results_prune
        from fangkong.operations.services.background import work_files_expire, work_sweep

        register_jobs(
            "operations",
            [
                ("background_sweep", work_sweep),
                ("background_files_expire", work_files_expire),
                ("task_results_prune", task_results_prune),
            ],
            order=10,
        )
