from __future__ import annotations

from typing import Any

from django import template

from fangkong.accounts.capabilities import user_can

register = template.Library()


@register.filter
def can(user: Any, capability: str) -> bool:
    """`{% if user|can:"policy.manage" %}`: templates check capabilities, never role names."""
    return user_can(user, capability)
