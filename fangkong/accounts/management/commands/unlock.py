"""`fangkong unlock USER [--ip ADDRESS]`: lift a login lockout before it runs out."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts.services.lockout import login_lockout_clear
from fangkong.core.request_context import Origin, origin_scope


class Command(BaseCommand):
    help = "解除用户（或地址）的登录锁定 / Lift the login lockout of a user or an address"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="", help="用户名 / username")
        parser.add_argument("--ip", default="", help="客户端地址 / client address")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin_scope(Origin(channel="cli", label="unlock")):
            try:
                cleared = login_lockout_clear(
                    username=options["username"], ip=options["ip"], by=None
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"cleared {cleared} failure record(s)")
