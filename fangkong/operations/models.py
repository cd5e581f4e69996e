from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of one periodic job (`fangkong jobs run`), for operators and the dashboard."""

    name = models.CharField(_("任务"), max_length=80)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    done = models.PositiveIntegerField(_("处理数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        # Created by the command area before the runner became shared: the table keeps its
        # name and its rows (operations/0001 and command/0004 move the model in state only).
        db_table = "command_jobrun"
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        indexes = [models.Index(fields=["name", "started_at"], name="jobrun_name_start")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%m-%d %H:%M}"
