from django.urls import reverse

from fangkong.quarantine.services.sites import site_create


def test_the_site_list_shows_only_the_sites_lying_in_the_chosen_district(
    client, site, hubin, hq_admin, liangxi, binhu
):
    site_create(name="太湖饭店", jurisdiction=hubin, address="滨湖区", by=hq_admin)
    client.force_login(hq_admin)

    def names(**params: int | str) -> list[str]:
        response = client.get(reverse("quarantine:home"), params)
        assert response.status_code == 200
        return sorted(n.site.name for n in response.context["numbers"])

    assert names(district=liangxi.pk) == ["锡惠大酒店"]
    assert names(district=binhu.pk) == ["太湖饭店"]
    assert names() == ["太湖饭店", "锡惠大酒店"]
    page = client.get(reverse("quarantine:home"), {"district": binhu.pk}).content.decode()
    assert 'data-testid="site-district"' in page and "滨湖区" in page


def test_a_district_outside_the_viewers_part_of_the_city_is_ignored(
    client, site, hubin, hq_admin, binhu, liangxi_officer
):
    site_create(name="太湖饭店", jurisdiction=hubin, address="滨湖区", by=hq_admin)
    client.force_login(liangxi_officer)
    response = client.get(reverse("quarantine:home"), {"district": binhu.pk})
    assert [n.site.name for n in response.context["numbers"]] == ["锡惠大酒店"]
