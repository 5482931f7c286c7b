"""Two test runs at once on one machine keep to their own database and Redis keys (tests/testrun.py)."""

import os
import subprocess
import sys
from pathlib import Path

from tests import testrun

ROOT = Path(__file__).resolve().parents[1]
# Each creates, fills and drops a test database and counts in the cache; run together, they
# would drop each other's database or reset each other's throttle had they shared them.
SELECTION = [
    "tests/test_smoke.py",
    "tests/api/test_token_throttle.py::test_the_limit_applies_per_address",
    "tests/api/test_token_throttle.py::test_a_made_up_forwarded_for_header_does_not_reset_the_count",
]


def start_run(name: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "RISKPLATFORM_TEST_RUN": name}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        # pytest deletes old temporary directories of its own; these runs keep out of this one's.
        f"--basetemp={tmp_path / name}",
        *SELECTION,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_runs_at_once_both_pass(tmp_path):
    runs = [start_run(f"{testrun.RUN_ID}_{letter}", tmp_path) for letter in "ab"]

    outputs = [run.communicate(timeout=120)[0] for run in runs]

    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
