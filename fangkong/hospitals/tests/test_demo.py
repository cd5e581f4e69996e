import pytest

from fangkong.accounts.models import User
from fangkong.alerts.models import Alert
from fangkong.hospitals.models import (
    Admission,
    AdmissionOutcome,
    Hospital,
    HospitalKind,
    HospitalStatus,
    PostDischargeMonitoring,
)


@pytest.mark.django_db
def test_the_demo_city_has_its_designated_hospitals_with_patients_staff_and_stock(
    load_demo_miniature,
):
    load_demo_miniature()
    no5 = Hospital.objects.get(name="无锡市第五人民医院")
    assert no5.kind == HospitalKind.DESIGNATED and no5.status == HospitalStatus.RECEIVING
    kinds = set(Hospital.objects.values_list("kind", flat=True))
    assert kinds == {HospitalKind.DESIGNATED, HospitalKind.RESERVE, HospitalKind.FANGCANG}
    for username in ("hospital", "doctor"):
        assert User.objects.get(username=username).unit == no5.unit
    assert Admission.objects.active().filter(hospital=no5).exists()
    assert not Admission.objects.filter(hospital__status=HospitalStatus.STANDBY).exists()
    discharged = Admission.objects.filter(outcome=AdmissionOutcome.DISCHARGED)
    assert discharged.exists()
    # The demo's patients were discharged because they met the rule, not by override.
    assert not discharged.exclude(discharge_override_reason="").exists()
    assert PostDischargeMonitoring.objects.count() == discharged.count()
    assert no5.staff.exists() and no5.stocks.exists()
    low = Alert.objects.open().get(kind="hospitals.low_stock")
    assert low.unit == no5.unit and "医用防护口罩（N95）" in low.title
