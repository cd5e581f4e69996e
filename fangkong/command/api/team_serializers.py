"""Work teams, their rotas and shifts in the API: what is shown, what a write takes, and the
query parameters of the lists (validated like a body: a bad value is a 400 naming it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.accounts.models import User
from fangkong.command.models import Rota, RotaStatus, Shift, TeamMember, WorkTeam
from fangkong.core.api.dates import refuse_unlikely


class TeamMemberSerializer(serializers.ModelSerializer[TeamMember]):
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["user", "user_name", "post"]


class WorkTeamSerializer(serializers.ModelSerializer[WorkTeam]):
    leader_name = serializers.CharField(
        source="leader.__str__", read_only=True, allow_null=True, default=None
    )
    members = TeamMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = WorkTeam
        fields = ["id", "name", "duties", "leader", "leader_name", "order", "members"]


class TeamWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60)
    duties = serializers.CharField(required=False, allow_blank=True, default="")
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)


class MemberWriteSerializer(serializers.Serializer[Any]):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    post = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ShiftSerializer(serializers.ModelSerializer[Shift]):
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    team = serializers.IntegerField(source="rota.team_id", read_only=True)
    team_name = serializers.CharField(source="rota.team.name", read_only=True)
    rota_status = serializers.ChoiceField(
        source="rota.status", choices=RotaStatus.choices, read_only=True
    )
    hours = serializers.FloatField(read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id", "rota", "rota_status", "team", "team_name", "user", "user_name", "post",
            "starts_at", "ends_at", "hours",
        ]  # fmt: skip


class ShiftChangeSerializer(serializers.Serializer[Any]):
    """Who is on a shift and when: what assigning and replacing a shift take."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    starts_at = serializers.DateTimeField(validators=[refuse_unlikely])
    ends_at = serializers.DateTimeField(validators=[refuse_unlikely])
    post = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ShiftWriteSerializer(ShiftChangeSerializer):
    rota = serializers.PrimaryKeyRelatedField(queryset=Rota.objects.all())


class ViolationSerializer(serializers.Serializer[Any]):
    rule = serializers.ChoiceField(choices=["consecutive_days", "rest", "shift_length"])
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField()
    message = serializers.CharField()


class RotaSerializer(serializers.ModelSerializer[Rota]):
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Rota
        fields = [
            "id", "team", "team_name", "starts_on", "ends_on", "status", "published_at",
            "violations_accepted", "created_at",
        ]  # fmt: skip


class RotaDetailSerializer(RotaSerializer):
    """A rota with its shifts and the rest rules it breaks now (checked again on publishing)."""

    shifts = ShiftSerializer(many=True, read_only=True)
    violations = ViolationSerializer(many=True, read_only=True)

    class Meta(RotaSerializer.Meta):
        fields = [*RotaSerializer.Meta.fields, "shifts", "violations"]


class RotaWriteSerializer(serializers.Serializer[Any]):
    team = serializers.PrimaryKeyRelatedField(queryset=WorkTeam.objects.all())
    starts_on = serializers.DateField(validators=[refuse_unlikely])
    ends_on = serializers.DateField(validators=[refuse_unlikely])


class RotaPublishSerializer(serializers.Serializer[Any]):
    accept_violations = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("值班表违反休息规定时，须说明理由方可发布"),
    )


class OnDutyShiftSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.__str__")
    post = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class OnDutyTeamSerializer(serializers.Serializer[Any]):
    team = serializers.IntegerField(source="pk")
    team_name = serializers.CharField(source="name")
    shifts = OnDutyShiftSerializer(many=True)
