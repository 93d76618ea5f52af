"""Enforce snapshot retention: delete snapshots kept past their ``retain_until`` (files first, then rows)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cameras.models import Snapshot

BATCH = 500


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
        deleted = files = kept = 0
        last_pk = 0
        while True:
            batch = list(due.filter(pk__gt=last_pk)[:BATCH])
            if not batch:
                break
            last_pk = batch[-1].pk
            for snapshot in batch:
                try:
                    # The row's delete commits only once its files are gone; a row still referenced
                    # (protected, e.g. as incident evidence) keeps its files.
                    with transaction.atomic():
                        Snapshot.objects.filter(pk=snapshot.pk).delete()
                        files += self._delete_files(snapshot)
                    deleted += 1
                except ProtectedError:
                    kept += 1
        self.stdout.write(f"deleted {deleted} snapshots and {files} files; {kept} kept because still referenced")

    @staticmethod
    def _delete_files(snapshot: Snapshot) -> int:
        count = 0
        for field in (snapshot.image, snapshot.thumbnail):
            # A file already gone (an earlier run stopped half-way) is not an error.
            if field.name and field.storage.exists(field.name):
                field.storage.delete(field.name)
                count += 1
        return count
