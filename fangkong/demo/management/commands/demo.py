"""`fangkong demo`: build the deterministic demo city into the configured database."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.request_context import Origin, origin_scope
from fangkong.demo.city import DEMO_USERS, build_geography, build_population, build_users
from fangkong.demo.clock import live_checkins
from fangkong.demo.conf import demo_settings
from fangkong.demo.context import DemoContext, demo_today
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person

RESIDENTS = 10_000
# A demo built for a past day (tests: 2021) gets no check-ins at today's hours.
LIVE_HOURS_AFTER_PRESENT = dt.timedelta(days=1)


DemoStep = tuple[int, str, Callable[[DemoContext], None]]


def area_steps() -> list[DemoStep]:
    """Every area's demo steps in order. An area's `demo` module has `ORDER` and `build(ctx)`,
    or `STEPS = [(order, build), ...]` when part of its story must wait for later areas."""
    steps: list[DemoStep] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fangkong.") or config.name == "fangkong.demo":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        declared = getattr(module, "STEPS", None) or [(module.ORDER, module.build)]
        steps.extend((order, config.label, build) for order, build in declared)
    return sorted(steps, key=lambda step: step[0])


class Command(BaseCommand):
    help = "Build the demo city (a Wuxi-like city) with one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="size relative to the full demo city (tests use a miniature)",
        )
        parser.add_argument("--seed", type=int, default=demo_settings().seed)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the demo's today (default: the real date, or the day before until 10:00)",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the logins) if the city is loaded",
        )
        mode.add_argument(
            "--force", action="store_true", help="erase everything in the database first"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        self.migrate_if_needed()
        loaded = Jurisdiction.objects.exists() or Person.objects.exists()
        if loaded and options["if_empty"]:
            self.stdout.write("数据库中已有数据，跳过演示城市的生成。")
            self.print_logins()
            return
        if loaded and not options["force"]:
            raise CommandError(
                "数据库不为空，拒绝覆盖。如确需重建演示城市，请加 --force（将清空全部数据）。"
            )
        if loaded:
            call_command("flush", interactive=False, verbosity=0)

        ctx = DemoContext(
            rng=random.Random(options["seed"]),
            today=options["today"] or demo_today(timezone.now()),
            write=lambda text: self.stdout.write(text),
            show_progress=not options["no_progress"],
            scale=options["scale"],
        )
        with origin_scope(Origin(channel="cli", label="demo")):
            self.stdout.write("生成辖区、责任单位和用户…")
            build_geography(ctx)
            build_users(ctx)
            residents = ctx.scaled(RESIDENTS)
            self.stdout.write(f"生成 {residents} 名居民…")
            build_population(ctx, count=residents)
            for _order, area, build in area_steps():
                self.stdout.write(f"生成 {area} 演示数据（{build.__name__}）…")
                build(ctx)
            now = timezone.now()
            # The hours between the demo's present and now, when they are today's: live
            # occupancy is not zero on the first page (the demo clock keeps it so).
            if ctx.now <= now <= ctx.now + LIVE_HOURS_AFTER_PRESENT:
                self.stdout.write("生成当前时段的扫码记录…")
                live_checkins(now, since=ctx.now)
        self.stdout.write(self.style.SUCCESS("演示城市已生成。"))
        self.print_logins()

    def migrate_if_needed(self) -> None:
        # A fresh database file is the common case for a demo: bring it to the schema
        # rather than fail on the first missing table.
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("数据库尚未迁移到最新结构，先执行 migrate…")
            call_command("migrate", interactive=False, verbosity=0)

    def print_logins(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {demo_settings().password}）：")
        existing = {
            u.username: u
            for u in User.objects.filter(username__in=[name for name, _role, _full in DEMO_USERS])
        }
        for username, role, _full_name in DEMO_USERS:
            if username in existing:
                self.stdout.write(f"  {username:<14} {role.label}")
