from fangkong.core.models import AuditEvent


def test_only_the_hq_administrator_reaches_the_admin(client, hq_admin, liangxi_officer):
    client.force_login(liangxi_officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(hq_admin)
    assert client.get("/admin/").status_code == 200


def test_a_unit_changed_in_the_admin_is_audited(client, hq_admin, jiankang_committee):
    client.force_login(hq_admin)
    url = f"/admin/jurisdictions/responsibleunit/{jiankang_committee.pk}/change/"
    form = {
        "name": "健康社区居委会",
        "kind": "territory",
        "jurisdiction": jiankang_committee.jurisdiction_id,
        "contact_name": "刘主任",
        "contact_phone": "",
        "active": "on",
    }
    assert client.post(url, form).status_code == 302
    event = AuditEvent.objects.for_object(jiankang_committee).latest("pk")
    assert event.action == "responsibleunit.admin_change"
    assert event.after == {"name": "健康社区居委会", "contact_name": "刘主任"}


def test_persons_cannot_be_edited_in_the_admin(client, hq_admin, zhang_san):
    client.force_login(hq_admin)
    response = client.post(f"/admin/people/person/{zhang_san.pk}/change/", {"name": "x"})
    assert response.status_code == 403
