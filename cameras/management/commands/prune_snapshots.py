"""Enforce snapshot retention: delete snapshots kept past their ``retain_until`` (files first, then rows)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cameras.actions.evidence import do_prune_snapshots
from cameras.models import Snapshot


class Command(BaseCommand):
    help = "Delete stored snapshots past their retention date (files, then rows); --dry-run only counts them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        due = Snapshot.objects.filter(retain_until__lte=now).order_by("pk")
        if options["dry_run"]:
            count = due.count()
            size = sum(due.values_list("size_bytes", flat=True))
            self.stdout.write(f"would delete {count} snapshots ({size} bytes of images) past their retention "
                              f"at {now:%Y-%m-%d %H:%M} UTC")
            return
        result = do_prune_snapshots(now)
        self.stdout.write(f"deleted {result.deleted} snapshots and {result.files} files; {result.kept} kept because "
                          "still referenced")
