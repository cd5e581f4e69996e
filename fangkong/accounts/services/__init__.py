"""Writes of the accounts area: users and passwords, API tokens, second factors, lockouts."""

from fangkong.accounts.services.users import user_create

__all__ = ["user_create"]
