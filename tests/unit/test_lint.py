"""The code keeps the lint rules of pyproject.toml's [tool.ruff] section, and bandit finds nothing.

Bandit's findings that are not faults are marked where they stand (`# nosec Bxxx`) with the reason.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tool(name):
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is installed with the test extras (pyproject.toml)"
    return found


def test_ruff_finds_nothing():
    result = subprocess.run(
        [tool("ruff"), "check", "--output-format", "concise", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_finds_nothing_in_the_product_code():
    product = ["tickets", "configurations", "notifications", "mail", "tickets_site", "demo", "deploy"]
    result = subprocess.run(
        [tool("bandit"), "--quiet", "--configfile", "pyproject.toml", "--recursive", *product,
         "--exclude", ",".join(f"./{folder}/migrations" for folder in product)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
