"""The bench command: discovery over INSTALLED_APPS, --list, and the RESULT line of ``bench api``."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from sites.models import ProtectedSite


def test_list_names_the_registered_benchmarks() -> None:
    out = StringIO()
    call_command("bench", "--list", stdout=out)
    assert re.search(r"^api\s+\S", out.getvalue(), re.MULTILINE)


# transaction=True: the bench makes and drops its own database, which cannot happen inside the
# transaction an ordinary test runs in.
@pytest.mark.django_db(transaction=True)
def test_bench_api_ends_with_a_result_line_and_leaves_the_database_alone() -> None:
    out = StringIO()
    call_command("bench", "api", "--requests", "5", "--sites", "200", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(
        r"RESULT p50_ms=\d+\.\d\d p95_ms=\d+\.\d\d queries=\d+ queries_at_200_sites=\d+", lines[-1]
    ), lines[-1]
    figures = dict(part.split("=") for part in lines[-1].split()[1:])
    assert figures["queries"] == figures["queries_at_200_sites"]
    assert any(line.startswith("/api/sites/geojson/") for line in lines[:-1])
    assert not ProtectedSite.objects.exists()
