"""`manage.py bench cameras` end to end on a few cameras: it runs and prints the RESULT line's shape
(the figures themselves are the benchmark's business, not a test's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULT = re.compile(
    r"^RESULT cameras=50 checks_per_s=[0-9.]+ p95_ms=\d+ ceiling_per_s=[0-9.]+ ratio=[0-9.]+$"
)


def test_bench_cameras_prints_its_result_line(tmp_path: Path) -> None:
    env = dict(os.environ, OPSROOM_VAR_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)  # its own throwaway SQLite database, never the test run's
    result = subprocess.run([sys.executable, "manage.py", "bench", "cameras", "--cameras", "50", "--seconds", "3"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert RESULT.match(lines[-1]), lines[-1]
