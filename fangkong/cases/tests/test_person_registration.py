"""A case or a contact named by ID document: the registered person only under their own name,
and a refusal that never says whose number it is (李四 lives in 滨湖区, outside 梁溪)."""

from django.urls import reverse

from fangkong.cases.models import Case, Contact
from fangkong.people.models import IdType


def test_a_case_under_another_name_is_refused_without_naming_the_registered_person(
    client, liangxi_officer, li_si
):
    client.force_login(liangxi_officer)
    response = client.post(
        reverse("cases:create"),
        {
            "name": "别人",
            "id_type": IdType.RESIDENT_ID,
            "id_number": li_si.id_number,
            "classification": "confirmed",
            "detected_at": "2021-07-30T20:00",
        },
    )
    assert response.status_code == 200  # the form again, with the refusal on it
    assert "姓名与登记信息不符" in response.content.decode()
    assert "李四" not in response.content.decode()
    assert not Case.objects.exists()


def test_a_contact_under_another_name_is_refused_without_naming_the_registered_person(
    client, investigator, make_person, make_case, li_si
):
    case = make_case(make_person("病例甲"))
    client.force_login(investigator)
    response = client.post(
        reverse("cases:contact_add", args=[case.pk]),
        {
            "name": "别人",
            "id_type": IdType.RESIDENT_ID,
            "id_number": li_si.id_number,
            "degree": 1,
            "category": "household",
            "evidence": "与病例同住",
        },
    )
    assert response.status_code == 400
    assert "姓名与登记信息不符" in response.content.decode()
    assert "李四" not in response.content.decode()
    assert not Contact.objects.filter(person=li_si).exists()
