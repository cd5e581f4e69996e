"""The command area's background work (operations/background.py): the daily briefing as a
Word or Excel file, built by the worker while the page is free."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.capabilities import user_can
from fangkong.command.briefing_export import briefing_docx, briefing_xlsx
from fangkong.command.daily_briefing import briefing_build
from fangkong.operations.background import WorkContext, WorkKind, register_work_kind

BRIEFING_FILE = "command.briefing_file"
BRIEFING_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class BriefingFile:
    name: str
    content: bytes
    content_type: str


def briefing_file(*, day: dt.date, fmt: str) -> BriefingFile:
    briefing = briefing_build(day=day)
    content = briefing_docx(briefing) if fmt == "docx" else briefing_xlsx(briefing)
    return BriefingFile(
        name=f"{briefing.title}-{briefing.day:%Y%m%d}.{fmt}",
        content=content,
        content_type=BRIEFING_FORMATS[fmt],
    )


def briefing_file_run(context: WorkContext) -> str:
    params = context.work.params
    if not user_can(context.work.requested_by, "briefing.view"):
        raise ValidationError(_("您无权查看日报"))
    fmt = str(params.get("fmt", ""))
    if fmt not in BRIEFING_FORMATS:
        raise ValidationError(_("不支持的文件格式：%s") % fmt)
    context.progress(stage=_("汇总各部分数据"), done=0, total=2)
    file = briefing_file(day=dt.date.fromisoformat(str(params["day"])), fmt=fmt)
    context.progress(stage=_("写入文件"), done=1)
    with context.open_result(name=file.name, content_type=file.content_type) as target:
        target.write(file.content)
    context.progress(done=2)
    return file.name


def register() -> None:
    register_work_kind(WorkKind(BRIEFING_FILE, gettext_lazy("日报文件"), briefing_file_run))
