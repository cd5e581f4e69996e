from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.scope import scope_of
from fangkong.command.models import Milestone, ReportFigure, ReportProfile, Task, WorkTeam
from fangkong.command.selectors.reports import reporting_units
from fangkong.core.form_fields import DateInput, DateTimeInput
from fangkong.core.forms import StyledForm
from fangkong.jurisdictions.models import ResponsibilityKind, ResponsibleUnit
from fangkong.policy.forms import MeasureLineForm

DATETIME = DateTimeInput()
DATE = DateInput()


class NoticeForm(StyledForm):
    number = forms.IntegerField(label=_("通告编号"), min_value=1, help_text=_("第N号通告的 N"))
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    effective_at = forms.DateTimeField(label=_("生效时间"), widget=DATETIME)
    addressed_units = forms.ModelMultipleChoiceField(
        label=_("主送单位"),
        queryset=ResponsibleUnit.objects.none(),
        required=False,
        help_text=_("不选则主送全部报送单位"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    attachment = forms.FileField(label=_("附件"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["addressed_units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = reporting_units().order_by("jurisdiction__path", "name")


class NoticeMeasureForm(MeasureLineForm):
    """One measure line of a notice; blank lines are skipped."""

    kind = forms.ChoiceField(label=_("措施类型"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.line_url = reverse("command:notice_measure_line")
        super().__init__(*args, **kwargs)


NoticeMeasureFormSet = forms.formset_factory(NoticeMeasureForm, extra=4)


class TaskForm(StyledForm):
    title = forms.CharField(label=_("任务名称"), max_length=200)
    goal = forms.CharField(
        label=_("工作目标"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsibility = forms.ChoiceField(label=_("责任类型"), choices=ResponsibilityKind.choices)
    owner_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=ResponsibleUnit.objects.none(), required=False
    )
    owner_user = forms.ModelChoiceField(
        label=_("责任人（个人责任）"), queryset=User.objects.none(), required=False
    )
    co_owner_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=ResponsibleUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    deadline = forms.DateTimeField(label=_("完成时限"), widget=DATETIME)
    attachment = forms.FileField(label=_("附件"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(viewer)
        units = ResponsibleUnit.objects.active().filter(scope.jurisdiction_q("jurisdiction"))
        users = User.objects.filter(is_active=True).filter(scope.jurisdiction_q("jurisdiction"))
        for name in ("owner_unit", "co_owner_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units.order_by("jurisdiction__path", "name")
        owner_user = self.fields["owner_user"]
        assert isinstance(owner_user, forms.ModelChoiceField)
        owner_user.queryset = users.order_by("username")


class MilestoneForm(StyledForm):
    title = forms.CharField(label=_("节点"), max_length=200, required=False)
    due_at = forms.DateTimeField(label=_("节点时限"), required=False, widget=DATETIME)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("title") and not data.get("due_at"):
            self.add_error("due_at", _("请填写节点时限"))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3)


class ProgressForm(StyledForm):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    milestone = forms.ModelChoiceField(
        label=_("对应节点"), queryset=Milestone.objects.none(), required=False
    )
    milestone_done = forms.BooleanField(label=_("该节点已完成"), required=False)
    evidence = forms.FileField(label=_("佐证材料"), required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        milestone = self.fields["milestone"]
        assert isinstance(milestone, forms.ModelChoiceField)
        milestone.queryset = task.milestones.filter(done_at__isnull=True)


class SubmitForm(StyledForm):
    text = forms.CharField(
        label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class AcceptForm(StyledForm):
    note = forms.CharField(label=_("验收意见"), required=False, max_length=300)


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("退回理由"), max_length=300)


class ReportForm(StyledForm):
    """A unit's daily report: one number per figure of its profile, then issues and needs."""

    issues = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    needs = forms.CharField(
        label=_("需协调事项"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        figures: list[ReportFigure],
        known: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.figure_keys = [f.key for f in figures]
        known = known or {}
        for figure in reversed(figures):
            label = f"{figure.label}（{figure.unit}）" if figure.unit else figure.label
            field = forms.IntegerField(
                label=label,
                min_value=0,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )
            if figure.key in known:
                field.help_text = _("平台数据：%(n)s%(unit)s") % {
                    "n": known[figure.key],
                    "unit": figure.unit,
                }
            self.fields = {f"figure_{figure.key}": field, **self.fields}

    def figures(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(f"figure_{key}") for key in self.figure_keys}


class RotaForm(StyledForm):
    team = forms.ModelChoiceField(label=_("专班"), queryset=WorkTeam.objects.all())
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)


class ShiftForm(StyledForm):
    user = forms.ModelChoiceField(label=_("值班人员"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME)
    post = forms.CharField(label=_("岗位"), required=False, max_length=60)

    def __init__(self, *args: Any, team: WorkTeam, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)
        user.queryset = team.members.order_by("username")


class PublishRotaForm(StyledForm):
    accept_violations = forms.CharField(
        label=_("违规说明"),
        required=False,
        max_length=300,
        help_text=_("值班表违反休息规定时，须说明理由方可发布"),
    )


class ReportFigureForm(StyledForm):
    profile = forms.ChoiceField(label=_("填报类别"), choices=ReportProfile.choices)
    key = forms.SlugField(label=_("指标代码"), max_length=40, help_text=_("英文字母、数字或下划线"))
    label = forms.CharField(label=_("指标名称"), max_length=60)
    unit = forms.CharField(label=_("单位"), max_length=10, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("在用"), required=False, initial=True)


class TeamForm(StyledForm):
    name = forms.CharField(label=_("专班名称"), max_length=60)
    duties = forms.CharField(
        label=_("职责"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    leader = forms.ModelChoiceField(
        label=_("专班负责人"), queryset=User.objects.filter(is_active=True), required=False
    )


class MemberForm(StyledForm):
    team = forms.ModelChoiceField(label=_("专班"), queryset=WorkTeam.objects.all())
    user = forms.ModelChoiceField(label=_("成员"), queryset=User.objects.filter(is_active=True))
    post = forms.CharField(label=_("岗位"), required=False, max_length=60)
