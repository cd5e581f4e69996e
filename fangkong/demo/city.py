"""The foundation of the demo city: jurisdictions, responsible units, one user per role, and
the population (through the same import service an HQ operator would use)."""

from __future__ import annotations

from django.db import transaction

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.tabular import TableRow
from fangkong.demo import geography
from fangkong.demo.conf import demo_settings
from fangkong.demo.context import DemoContext
from fangkong.jurisdictions.models import Level, ResponsibilityKind
from fangkong.jurisdictions.services import jurisdiction_create, unit_create
from fangkong.people.importing import person_import

COMMUNITIES_PER_STREET = (3, 6)

# username, role, full name; where each works is decided in `_build_users`.
DEMO_USERS: list[tuple[str, Role, str]] = [
    ("hq", Role.HQ_ADMIN, "周指挥"),
    ("district", Role.DISTRICT_OFFICER, "钱专员"),
    ("site", Role.SITE_STAFF, "孙护士长"),
    ("hospital", Role.HOSPITAL_STAFF, "李院感"),
    ("doctor", Role.DOCTOR, "吴医生"),
    ("investigator", Role.INVESTIGATOR, "郑流调"),
    ("inspector", Role.INSPECTOR, "王督查"),
    ("reporter", Role.UNIT_REPORTER, "冯填报"),
    ("venue", Role.VENUE_MANAGER, "陈店长"),
    ("leader", Role.LEADER, "蒋书记"),
    ("gateway", Role.CHECKIN_GATEWAY, "场所码网关"),
]


@transaction.atomic
def build_geography(ctx: DemoContext) -> None:
    city = jurisdiction_create(
        code=geography.CITY[0], name=geography.CITY[1], level=Level.CITY, parent=None, by=None
    )
    ctx.city = city
    ctx.hq_unit = unit_create(
        name="无锡市疫情防控应急指挥部",
        kind=ResponsibilityKind.TERRITORY,
        jurisdiction=city,
        by=None,
    )
    for name in geography.CITY_DEPARTMENTS:
        unit_create(
            name=name,
            kind=ResponsibilityKind.DEPARTMENT,
            jurisdiction=city,
            parent=ctx.hq_unit,
            by=None,
        )
    stems = list(geography.COMMUNITY_STEMS)
    for district_code, district_name, streets in geography.DISTRICTS:
        district = jurisdiction_create(
            code=district_code, name=district_name, level=Level.DISTRICT, parent=city, by=None
        )
        ctx.districts.append(district)
        district_hq = unit_create(
            name=f"{district_name}疫情防控指挥部",
            kind=ResponsibilityKind.TERRITORY,
            jurisdiction=district,
            parent=ctx.hq_unit,
            by=None,
        )
        for s, street_name in enumerate(streets, start=1):
            street = jurisdiction_create(
                code=f"{district_code}{s:03d}",
                name=street_name,
                level=Level.STREET,
                parent=district,
                by=None,
            )
            office = "人民政府" if street_name.endswith("镇") else "办事处"
            street_unit = unit_create(
                name=f"{street_name}{office}",
                kind=ResponsibilityKind.TERRITORY,
                jurisdiction=street,
                parent=district_hq,
                by=None,
            )
            is_town = street_name.endswith("镇")
            for c in range(1, ctx.rng.randint(*COMMUNITIES_PER_STREET) + 1):
                stem = stems[(s * 7 + c * 3 + int(district_code[-2:])) % len(stems)]
                community_name = f"{stem}{'村' if is_town and c % 2 else '社区'}"
                community = jurisdiction_create(
                    code=f"{district_code}{s:03d}{c:03d}",
                    name=community_name,
                    level=Level.COMMUNITY,
                    parent=street,
                    by=None,
                )
                ctx.communities.append(community)
                committee = "村民委员会" if community_name.endswith("村") else "居民委员会"
                unit_create(
                    name=f"{street_name}{community_name}{committee}",
                    kind=ResponsibilityKind.TERRITORY,
                    jurisdiction=community,
                    parent=street_unit,
                    by=None,
                )


@transaction.atomic
def build_users(ctx: DemoContext) -> None:
    assert ctx.city is not None and ctx.hq_unit is not None
    first_district = ctx.districts[0]
    cdc = ctx.hq_unit.children.get(name="市疾病预防控制中心")
    first_community_unit = ctx.communities[0].units.get()
    homes = {
        Role.HQ_ADMIN: (ctx.city, ctx.hq_unit),
        Role.DISTRICT_OFFICER: (first_district, first_district.units.get()),
        Role.SITE_STAFF: (first_district, None),  # the quarantine demo gives them their site
        Role.HOSPITAL_STAFF: (ctx.city, None),  # the hospital demo gives them their hospital
        Role.DOCTOR: (ctx.city, None),
        Role.INVESTIGATOR: (ctx.city, cdc),
        Role.INSPECTOR: (ctx.city, ctx.hq_unit),
        Role.UNIT_REPORTER: (ctx.communities[0], first_community_unit),
        Role.VENUE_MANAGER: (first_district, None),  # the venues demo gives them a venue
        Role.LEADER: (ctx.city, ctx.hq_unit),
        Role.CHECKIN_GATEWAY: (ctx.city, None),  # the provincial platform's gateway: every venue
    }
    for username, role, full_name in DEMO_USERS:
        jurisdiction, unit = homes[role]
        ctx.users[role] = user_create(
            username=username,
            password=demo_settings().password,
            role=role,
            full_name=full_name,
            jurisdiction=jurisdiction,
            unit=unit,
            by=None,
        )


def build_population(ctx: DemoContext, *, count: int) -> None:
    """Residents spread over the communities, imported in one all-or-nothing import."""
    rows: list[TableRow] = []
    for number in ctx.progress(range(count), "居民", total=count):
        identity = ctx.new_identity()
        community = ctx.rng.choice(ctx.communities)
        road = ctx.rng.choice(geography.ROADS)
        rows.append(
            TableRow(
                number=number + 2,
                values={
                    "name": identity.name,
                    "id_number": identity.id_number,
                    "phone": identity.phone,
                    "address": f"{community.name}{road}{ctx.rng.randint(1, 400)}号",
                    "jurisdiction": community.code,
                },
            )
        )
    person_import(rows=rows, filename="demo-population.csv", by=ctx.users.get(Role.HQ_ADMIN))
