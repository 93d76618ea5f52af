"""``manage.py bench roster`` on tiny instances: it solves, checks, re-plans and ends with its RESULT line."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.live_servers import CeleryWorker

RESULT = re.compile(r"RESULT solve_s=\d+\.\d\d coverage=(\d\.\d{4}) hard_violations=(\d+) fairness_spread_h=\d+\.\d\d "
                    r"replan_s=\d+\.\d\d replan_changed=(\d+)")


def test_bench_roster_ends_with_its_result_line() -> None:
    out = StringIO()
    call_command("bench", "roster", "--sites", "3", "--personnel", "25", "--days", "7", stdout=out)
    lines = out.getvalue().strip().splitlines()
    found = RESULT.fullmatch(lines[-1])
    assert found, lines[-1]
    coverage, violations, changed = found.groups()
    assert coverage == "1.0000" and violations == "0" and int(changed) >= 1
    assert any(line.startswith("re-plan (person") for line in lines)


def test_bench_roster_refuses_sizes_it_cannot_run() -> None:
    with pytest.raises(CommandError, match="--days at least 3"):
        call_command("bench", "roster", "--days", "2", stdout=StringIO())


@pytest.mark.usefixtures("transactional_db")
def test_bench_roster_solves_polres_in_parallel_on_the_workers(celery_worker: CeleryWorker) -> None:
    out = StringIO()
    call_command("bench", "roster", "--sites", "2", "--personnel", "15", "--days", "5", "--polres", "2", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert RESULT.match(last), last
    assert re.search(r" polda_s=\d+\.\d\d polda_coverage=1\.0000 polda_hard_violations=0$", last), last
