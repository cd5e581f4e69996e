"""The venues area's background work (operations/background.py): a venue file too long to
check while the page waits, imported by the worker with the same all-or-nothing service; the
rows in error are listed on the work's row of 后台任务."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.core.tabular import TableRejected, read_table
from fangkong.operations.background import WorkContext, WorkKind, register_work_kind
from fangkong.venues.services.importing import VENUE_COLUMNS, venue_import

VENUE_IMPORT = "venues.venue_import"
ERRORS_SHOWN = 200


def venue_import_run(context: WorkContext) -> str:
    viewer = context.work.requested_by
    if not user_can(viewer, "venue.manage"):
        raise ValidationError(_("您无权导入场所"))
    filename = str(context.work.params.get("upload_name", ""))
    try:
        context.progress(stage=_("读取文件"))
        rows = read_table(io.BytesIO(context.upload()), filename, VENUE_COLUMNS)
        context.progress(stage=_("校验并导入"), done=0, total=len(rows))
        # One transaction: every row valid or nothing written (venue_import).
        result = venue_import(rows=rows, filename=filename, scope=scope_of(viewer), by=viewer)
    except TableRejected as rejected:
        shown = [str(error) for error in rejected.errors[:ERRORS_SHOWN]]
        more = len(rejected.errors) - len(shown)
        head = _("发现 %(n)s 处错误，未导入任何数据：") % {"n": len(rejected.errors)}
        tail = [_("（另有 %(n)s 处错误）") % {"n": more}] if more > 0 else []
        raise ValidationError([head, *shown, *tail]) from rejected
    context.progress(done=len(rows))
    return _("新增 %(created)s 家，已登记 %(existing)s 家") % {
        "created": result.record.created,
        "existing": result.existing,
    }


def register() -> None:
    register_work_kind(WorkKind(VENUE_IMPORT, gettext_lazy("场所导入"), venue_import_run))
