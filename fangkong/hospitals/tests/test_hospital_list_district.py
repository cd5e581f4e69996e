from django.urls import reverse

from fangkong.hospitals.models import HospitalKind
from fangkong.hospitals.services.facilities import hospital_create


def test_the_overview_shows_only_the_hospitals_lying_in_the_chosen_district(
    client, no5, helie, hq_admin, liangxi, binhu
):
    hospital_create(
        name="滨湖区人民医院", kind=HospitalKind.DESIGNATED, jurisdiction=helie, by=None
    )
    client.force_login(hq_admin)

    def names(**params: int | str) -> list[str]:
        response = client.get(reverse("hospitals:overview"), params)
        assert response.status_code == 200
        return sorted(row.hospital.name for row in response.context["rows"])

    assert names(district=liangxi.pk) == ["无锡市第五人民医院"]
    assert names(district=binhu.pk) == ["滨湖区人民医院"]
    assert names() == ["无锡市第五人民医院", "滨湖区人民医院"]
    page = client.get(reverse("hospitals:overview"), {"district": binhu.pk}).content.decode()
    assert 'data-testid="hospital-district"' in page and "滨湖区" in page


def test_the_landing_page_keeps_the_district_on_its_way_to_the_overview(client, hq_admin, binhu):
    client.force_login(hq_admin)
    response = client.get(reverse("hospitals:home"), {"district": binhu.pk})
    assert response.url == reverse("hospitals:overview") + f"?district={binhu.pk}"
