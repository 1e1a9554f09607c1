"""The code itself: no unused import or variable, no undefined name (pyflakes' checks, as ruff runs
them), in the package, its scripts, benchmarks and tests."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_pyflakes_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F,E9",
                           "--output-format", "concise", "tei", "scripts", "benchmarks", "tests"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
