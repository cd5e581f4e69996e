"""What each role may do, as named capabilities.

Areas grant their own capabilities from their AppConfig.ready(); checks name the capability,
never the role, so a deployment can regrant without touching views.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fangkong.accounts.roles import Role

_grants: dict[str, set[str]] = {}


def grant(capability: str, roles: Iterable[str]) -> None:
    _grants.setdefault(capability, set()).update(str(r) for r in roles)


def role_can(role: str, capability: str) -> bool:
    return role in _grants.get(capability, ())


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(_grants.get(capability, ()))


def capabilities_of(role: str) -> list[str]:
    """Every capability granted to the role, sorted (what a caller may do, for `me`)."""
    return sorted(c for c, roles in _grants.items() if role in roles)


def user_can(user: Any, capability: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return role_can(getattr(user, "role", ""), capability)


EVERY_ROLE = list(Role)
OPERATIONAL = [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INVESTIGATOR]

grant("workbench.view", EVERY_ROLE)
# One's own account: password, second factor, API tokens.
grant("account.view", EVERY_ROLE)
grant("person.view", [*OPERATIONAL, Role.SITE_STAFF, Role.HOSPITAL_STAFF, Role.DOCTOR, Role.LEADER])
grant(
    "person.view_identifiers",
    [*OPERATIONAL, Role.SITE_STAFF, Role.HOSPITAL_STAFF, Role.DOCTOR],
)
grant("person.edit", [*OPERATIONAL, Role.SITE_STAFF])
grant("person.import", OPERATIONAL)
grant("person.export", [*OPERATIONAL, Role.LEADER])
grant("jurisdiction.view", EVERY_ROLE)
grant("jurisdiction.manage", [Role.HQ_ADMIN])
grant("audit.view", [Role.HQ_ADMIN])
grant("policy.view", EVERY_ROLE)
grant("policy.manage", [Role.HQ_ADMIN])
grant("alert.view", EVERY_ROLE)
grant(
    "alert.resolve",
    [
        Role.HQ_ADMIN,
        Role.DISTRICT_OFFICER,
        Role.SITE_STAFF,
        Role.HOSPITAL_STAFF,
        Role.DOCTOR,
        Role.VENUE_MANAGER,
    ],
)
grant("admin.site", [Role.HQ_ADMIN])
