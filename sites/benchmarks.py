"""Benchmarks of the sites app, run by ``manage.py bench NAME`` (registered in BENCHMARKS below).

``api``: the sites list and GeoJSON endpoints for a Polda commander over a Polda-sized tree,
in a throwaway database so the real one is never touched.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import time
from argparse import ArgumentParser
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sites import actions, choices
from sites.models import ProtectedSite, SiteContact, Unit

Say = Callable[[str], None]

# The query count is compared at this many sites and at the full size: it must not grow.
SMALL_SITES = 200


def percentile(samples: list[float], percent: float) -> float:
    """Nearest-rank percentile: a value that was measured, defined for any number of samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


@contextlib.contextmanager
def throwaway_database(say: Say) -> Iterator[None]:
    """A freshly migrated database of the configured kind, named for this process, dropped after.

    The name is our own (not the test database's), so the bench can run beside, or inside, a test run.
    """
    test_settings = connection.settings_dict.setdefault("TEST", {})
    saved_name = test_settings.get("NAME")
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(settings.VAR_DIR / f"bench-{os.getpid()}.sqlite3")
    else:
        test_settings["NAME"] = f"test_opsroom_bench_{os.getpid()}"
    started = time.perf_counter()
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        say(f"database: {database_version()} (throwaway {connection.settings_dict['NAME']}, "
            f"migrated in {time.perf_counter() - started:.1f} s); Python {platform.python_version()}")
        yield
    finally:
        teardown_databases(old_config, verbosity=0)
        test_settings["NAME"] = saved_name


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return connection.vendor


def build_tree(polres_count: int) -> tuple[Unit, list[Unit]]:
    polda = actions.do_create_unit(None, name="Polda Bench", kind=choices.UnitKind.POLDA)
    polres = [
        actions.do_create_unit(None, name=f"Polres Bench {number:02d}", kind=choices.UnitKind.POLRES, parent=polda)
        for number in range(1, polres_count + 1)
    ]
    return polda, polres


def add_sites(polres: list[Unit], start: int, stop: int) -> None:
    """Sites ``start``..``stop - 1`` spread evenly over the Polres, each with one contact.

    bulk_create skips the actions on purpose: this is data for reading, made fast.
    """
    kinds = list(choices.SiteKind.values)
    priorities = list(choices.Priority.values)
    sites = [
        ProtectedSite(
            name=f"Objek Bench {number:05d}",
            kind=kinds[number % len(kinds)],
            address=f"Jl. Bench No. {number}",
            latitude=Decimal(f"{-7.0 - (number % 100) * 0.015:.6f}"),
            longitude=Decimal(f"{111.0 + (number // 100 % 30) * 0.1:.6f}"),
            unit=polres[number % len(polres)],
            time_zone=choices.SiteTimeZone.WIB,
            priority=priorities[number % len(priorities)],
        )
        for number in range(start, stop)
    ]
    created = ProtectedSite.objects.bulk_create(sites, batch_size=500)
    SiteContact.objects.bulk_create(
        [SiteContact(site=site, name=f"Kontak {site.name}", phone="0341-000000") for site in created],
        batch_size=500,
    )


def commander_client(polda: Unit) -> Client:
    """A Polda commander who has passed the second factor, as production requires of the role."""
    user = get_user_model().objects.create_user("bench-commander")
    actions.do_set_membership(user, role=choices.Role.COMMANDER, unit=polda)
    device = TOTPDevice.objects.create(user=user, name="Opsroom", confirmed=True)
    client = Client(secure=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:200]!r}")
    return len(queries)


def time_requests(client: Client, url: str, count: int) -> tuple[list[float], int]:
    """Milliseconds per request, and the size of the last body in bytes."""
    samples = []
    size = 0
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        size = len(response.content)
    return samples, size


class ApiBenchmark:
    help = "GET /api/sites/ (one page) and /api/sites/geojson/ as a Polda commander, in a throwaway database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--requests", type=int, default=200, help="Timed list requests (default 200).")
        parser.add_argument("--sites", type=int, default=2000, help="Sites in the Polda (default 2000).")
        parser.add_argument("--polres", type=int, default=20, help="Polres under the Polda (default 20).")

    def run(self, options: dict[str, Any], say: Say) -> dict[str, float | int]:
        requests, total, polres_count = options["requests"], options["sites"], options["polres"]
        if requests < 1 or total < 1 or polres_count < 1:
            raise CommandError("--requests, --sites and --polres must be at least 1")
        small = min(SMALL_SITES, total)
        list_url = "/api/sites/"
        # The test client's host, and timings without DEBUG's query log, whatever the mode.
        with throwaway_database(say), override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            polda, polres = build_tree(polres_count)
            client = commander_client(polda)
            add_sites(polres, 0, small)
            client.get(list_url)
            queries_small = count_queries(client, list_url)

            started = time.perf_counter()
            add_sites(polres, small, total)
            say(f"tree: 1 Polda, {polres_count} Polres, {total} sites "
                f"(sites added in {time.perf_counter() - started:.1f} s)")
            listed = client.get(list_url).json()
            if listed["count"] != total:
                raise RuntimeError(f"the commander sees {listed['count']} of {total} sites")
            queries = count_queries(client, list_url)
            say(f"queries per list request: {queries_small} at {small} sites, {queries} at {total} sites"
                + ("" if queries == queries_small else "  WARNING: the count grows with the sites"))

            geojson_url = "/api/sites/geojson/"
            geojson_queries = count_queries(client, geojson_url)
            geo_samples, geo_bytes = time_requests(client, geojson_url, max(1, min(requests, 20)))
            say(f"{geojson_url} ({total} features, {geo_bytes / 1024:.0f} KiB, {geojson_queries} queries): "
                f"p50 {percentile(geo_samples, 50):.1f} ms, p95 {percentile(geo_samples, 95):.1f} ms "
                f"over {len(geo_samples)} requests")

            samples, size = time_requests(client, list_url, requests)
            say(f"{list_url} (page of {len(listed['results'])}, {size / 1024:.0f} KiB): "
                f"p50 {percentile(samples, 50):.1f} ms, p95 {percentile(samples, 95):.1f} ms, "
                f"max {max(samples):.1f} ms over {requests} requests")
        return {
            "p50_ms": percentile(samples, 50),
            "p95_ms": percentile(samples, 95),
            "queries": queries,
            "queries_at_200_sites": queries_small,
        }


BENCHMARKS = {"api": ApiBenchmark}
