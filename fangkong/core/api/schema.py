"""Names of the enumerations in the OpenAPI schema.

drf-spectacular names an enum after its field ("kind", "status", "result"), and every area has
fields of those names meaning different things. Every TextChoices class of fangkong is named
after itself instead (`WardKindEnum`), prefixed with its app where two apps use one class name
(`QuarantineTestResultEnum`), computed once at start-up so no area keeps a list by hand.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def enum_name_overrides() -> dict[str, str]:
    classes = [
        c for c in _all_subclasses(models.TextChoices) if c.__module__.startswith("fangkong.")
    ]
    by_name: dict[str, list[type]] = defaultdict(list)
    for cls in classes:
        by_name[cls.__name__].append(cls)
    overrides: dict[str, str] = {}
    seen_choice_sets: set[frozenset[tuple[str, str]]] = set()
    for name, same_name in sorted(by_name.items()):
        for cls in same_name:
            # Two classes with the very same choices are one enum to the schema; the first
            # name (alphabetically) stands for both.
            pairs = frozenset(
                (str(value), str(label))
                for value, label in cls.choices  # type: ignore[attr-defined]
                if value not in ("", None)
            )
            if pairs in seen_choice_sets:
                continue
            seen_choice_sets.add(pairs)
            app = cls.__module__.split(".")[1].title()
            enum_name = f"{name}Enum" if len(same_name) == 1 else f"{app}{name}Enum"
            overrides[enum_name] = f"{cls.__module__}.{cls.__qualname__}"
    return overrides
