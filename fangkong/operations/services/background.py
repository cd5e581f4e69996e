"""Background work's writes: started from a page (work_start: the row, then its task on
commit), taken by a worker (work_claim), finished with its file or the reason it failed
(work_finish). Progress is written by the run itself (background.WorkContext.progress) and not
audited: it is the worker's running commentary, not a change anyone made.

Safe to kill: a worker takes a work in its own short transaction; killed before work_finish,
the row stays "running" until FANGKONG_BACKGROUND_STALE_MINUTES have passed, when the sweep
(operations/jobs.py) enqueues it again and the next worker takes it and runs it from the start.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.core.audit import audit_read, audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.operations.background import WorkContext, WorkResult, result_path, work_kind
from fangkong.operations.conf import operations_settings
from fangkong.operations.models import BackgroundWork, BackgroundWorkStatus
from fangkong.operations.queue import enqueue, enqueue_unless_waiting

if TYPE_CHECKING:
    from fangkong.accounts.models import User

logger = logging.getLogger(__name__)

_FIELDS = ["status", "claimed_at", "attempts", "finished_at", "result_name", "error"]


@transaction.atomic
def work_start(
    *,
    kind: str,
    params: dict[str, Any],
    by: User,
    title: str,
    upload: tuple[str, bytes] | None = None,
) -> BackgroundWork:
    """Queue a work of a registered kind for `by`; a worker runs it once this commits.
    `upload` (file name, content): a file the work reads (an import), kept beside its result."""
    if work_kind(kind) is None:
        raise ValidationError(_("未知的后台任务类型：%s") % kind)
    work = BackgroundWork.objects.create(
        kind=kind, title=title[:200], params=params, requested_by=by, requested_at=timezone.now()
    )
    if upload is not None:
        name, content = upload
        relative = f"{work.pk}/upload{Path(name).suffix[:10]}"
        path = operations_settings().background_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        work.params = {**params, "upload": relative, "upload_name": name[:200]}
        work.save(update_fields=["params"])
    audit_write(by=by, action="background_work.start", obj=work, after=snapshot(work))
    transaction.on_commit(lambda: enqueue(background_work_task, work.pk))
    return work


@transaction.atomic
def work_claim(*, pk: int, now: dt.datetime) -> BackgroundWork | None:
    """Take the work if it waits (or its worker died); None if another worker has it or it
    is finished. One conditional UPDATE, so two workers never both take it."""
    stale = operations_settings().background_stale_minutes
    claimable = BackgroundWork.objects.claimable(now, stale_minutes=stale).filter(pk=pk)
    work = claimable.first()
    if work is None:
        return None
    before = snapshot(work, _FIELDS)
    taken = claimable.filter(attempts=work.attempts).update(
        status=BackgroundWorkStatus.RUNNING, claimed_at=now, attempts=work.attempts + 1
    )
    if not taken:
        return None
    work.refresh_from_db()
    audit_write(
        by=None,
        action="background_work.claim",
        obj=work,
        before=before,
        after=snapshot(work, _FIELDS),
    )
    return work


@transaction.atomic
def work_finish(
    *, work: BackgroundWork, result: WorkResult | None, text: str = "", error: str = ""
) -> BackgroundWork:
    """Done (with its file, if it made one), or failed with the reason."""
    work = BackgroundWork.objects.select_for_update().get(pk=work.pk)
    before = snapshot(work, _FIELDS)
    work.status = BackgroundWorkStatus.FAILED if error else BackgroundWorkStatus.DONE
    work.error = error[:2000]
    work.result_text = text[:2000]
    if result is not None and not error:
        work.result_path, work.result_name = result.path, result.name
        work.result_type = result.content_type
    work.finished_at = timezone.now()
    work.save()
    audit_write(
        by=None,
        action="background_work.finish",
        obj=work,
        before=before,
        after=snapshot(work, _FIELDS),
    )
    return work


def work_run(*, pk: int) -> str:
    """Claim the work and run it to its end (the worker's task)."""
    work = work_claim(pk=pk, now=timezone.now())
    if work is None:
        return "not claimable"
    kind = work_kind(work.kind)
    context = WorkContext(work=work)
    try:
        if kind is None:
            raise ValidationError(_("未知的后台任务类型：%s") % work.kind)
        text = kind.run(context)
    except (ValidationError, Conflict) as refusal:
        context.discard()
        reason = refusal.message if isinstance(refusal, Conflict) else "\n".join(refusal.messages)
        work_finish(work=work, result=None, error=reason)
    except Exception as error:
        logger.exception("background work %s (%s) failed", work.pk, work.kind)
        context.discard()
        work_finish(work=work, result=None, error=_("出错：%s") % type(error).__name__)
    else:
        work_finish(work=work, result=context.result, text=text)
    return work.status


@task()
def background_work_task(work_pk: int) -> str:
    return work_run(pk=work_pk)


def work_sweep(now: dt.datetime) -> int:
    """Job: enqueue again the works no task will take (a lost enqueue, a worker killed
    mid-way whose work is now stale); how many it enqueued."""
    stale = operations_settings().background_stale_minutes
    done = 0
    for pk in BackgroundWork.objects.claimable(now, stale_minutes=stale).values_list(
        "pk", flat=True
    ):
        done += int(enqueue_unless_waiting(background_work_task, pk))
    return done


@transaction.atomic
def work_download(*, work: BackgroundWork, by: User) -> BackgroundWork:
    """Record that the requester took the file (the file may hold personal data)."""
    audit_read(by=by, action="background_work.download", obj=work, after={"file": work.result_name})
    return work


def work_files_expire(now: dt.datetime) -> int:
    """Job: delete the files of works finished more than FANGKONG_BACKGROUND_FILE_KEEP_DAYS ago.
    An export may hold a contact list with names and phones; once its requester has had time
    to take it, the platform's copy only widens what could leak (data minimisation). The row
    stays, saying the file was removed, with an audit row per file; how many it removed."""
    keep = dt.timedelta(days=operations_settings().background_file_keep_days)
    expired = BackgroundWork.objects.filter(
        status=BackgroundWorkStatus.DONE, finished_at__lt=now - keep
    ).exclude(result_path="")
    removed = 0
    for pk in expired.values_list("pk", flat=True):
        removed += int(_work_file_expire(pk=pk))
    return removed


@transaction.atomic
def _work_file_expire(*, pk: int) -> bool:
    work = BackgroundWork.objects.select_for_update().get(pk=pk)
    if not work.result_path:
        return False
    before = snapshot(work, ["result_path", "result_name", "result_text"])
    path = result_path(work)
    work.result_path = ""
    work.result_text = _("文件已按保留期限删除")
    work.save(update_fields=["result_path", "result_text"])
    audit_write(
        by=None,
        action="background_work.expire",
        obj=work,
        before=before,
        after=snapshot(work, ["result_path", "result_name", "result_text"]),
    )
    # Removed once the row no longer points at it; a crash before the commit keeps both.
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return True
