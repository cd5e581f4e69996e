"""The tracing area's background work (operations/background.py): a case's contact list as a
file, for lists too long to build while the page waits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.capabilities import user_can
from fangkong.cases.exporting import contact_export_header, contact_export_rows
from fangkong.cases.models import Case, Contact
from fangkong.cases.selectors.cases import case_get
from fangkong.cases.selectors.contacts import contact_list
from fangkong.core.tabular_export import export_to_file
from fangkong.operations.background import WorkContext, WorkKind, register_work_kind

CONTACTS_EXPORT = "cases.contacts_export"


def contacts_export_run(context: WorkContext) -> str:
    """The case's confirmed contacts (or one status), as the requester may see them now."""
    work = context.work
    viewer = work.requested_by
    if not user_can(viewer, "cases.export"):
        raise ValidationError(_("您无权导出密接名单"))
    try:
        case = case_get(viewer=viewer, pk=int(work.params["case"]))
    except Case.DoesNotExist as error:
        raise ValidationError(_("病例不存在或不在您的辖区内")) from error
    status = str(work.params.get("status", ""))
    contacts = contact_list(viewer=viewer, case=case, status=status)
    if not status:
        contacts = contacts.confirmed()
    count = contacts.count()
    context.progress(stage=_("生成名单文件"), total=count)
    rows = contact_export_rows(contacts.order_by("degree", "first_exposure", "pk"), viewer=viewer)
    export_to_file(
        open_target=context.open_result,
        by=viewer,
        fmt=str(work.params.get("fmt", "xlsx")),
        name=_("%(case)s-密接名单") % {"case": case.number},
        title=_("密接名单"),
        header=contact_export_header(),
        rows=context.counted(rows, total=count),
        action="contact.export",
        model=Contact,
        obj=case,
        count=count,
        filters={"status": status or "confirmed", "background_work": work.pk},
    )
    return _("%(n)s 人") % {"n": count}


def register() -> None:
    register_work_kind(WorkKind(CONTACTS_EXPORT, gettext_lazy("密接名单导出"), contacts_export_run))
