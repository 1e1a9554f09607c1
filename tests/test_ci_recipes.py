"""The README's CI recipes, run as CI runs them, on a repository a TEI project could have.

The repository holds this tool's outputs (in a subfolder too), one of them enriched by hand the
way a scholar does, a CMIF file made by `tei cmif`, and foreign TEI files (one declaring tei_all
by its tei-c.org URL). Both recipes must pass on it, and fail once a broken file is added. The
GitHub Actions command line is read from the README and the hook from .pre-commit-hooks.yaml, so
the documented recipes are the ones tested. No network: `tei` is this checkout, through a shim.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, SEED, tei_command

yaml = pytest.importorskip("yaml")
SAMPLES = Path(__file__).resolve().parent / "tei-samples" / "TEI"


def _actions_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/tei\.yml\n.*?)```", readme, re.S).group(1)
    steps = yaml.safe_load(block)["jobs"]["validate"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == "Validate TEI")


def _hook() -> dict:
    hook, = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


@pytest.fixture(scope="module")
def shim(tmp_path_factory) -> dict:
    """An environment whose `tei` is this checkout (as `pip install` of it would give)."""
    folder = tmp_path_factory.mktemp("bin")
    script = folder / "tei"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tei "$@"\n')
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}


def _run(command: list[str] | str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, shell=isinstance(command, str), timeout=300)


def _enriched(converted: Path) -> bytes:
    """A converted letter with everything test_schema's ENRICHMENTS add, one after the other."""
    import test_schema

    tree = etree.parse(str(converted))
    for _, where, how, what in test_schema.ENRICHMENTS:
        test_schema._enrich(tree, where, how, what)
    corr = etree.fromstring('<choice xmlns="http://www.tei-c.org/ns/1.0"><sic>姿</sic>'
                           '<corr resp="#reviewer-1" cert="high">委</corr></choice>')
    tree.getroot().find(".//{http://www.tei-c.org/ns/1.0}body//{http://www.tei-c.org/ns/1.0}p").append(corr)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """The edition's repository, made in this process (the recipes, not its making, are what is tested)."""
    repo = tmp_path_factory.mktemp("edition")
    sources = repo.parent / f"{repo.name}-sources"
    (sources / "1963").mkdir(parents=True)
    shutil.copy(SEED, sources / "1963" / "letter.txt")
    shutil.copy(SEED, sources / "seed.txt")
    converted = tei_command("convert", "--no-ocr", str(sources), "-o", "letters", cwd=repo)
    assert converted.returncode == 0, converted.stderr
    (repo / "letters" / "enriched.xml").write_bytes(_enriched(repo / "letters" / "seed.xml"))
    (repo / "cmif").mkdir()
    cmif = tei_command("cmif", "letters", "--url", "https://example.org/cmif/letters.xml", "-o", "cmif/letters.xml",
                       cwd=repo)
    assert cmif.returncode == 0, cmif.stderr
    (repo / "foreign").mkdir()
    shutil.copy(SAMPLES / "P5/Exemplars/tei_minimal.tei.xml", repo / "foreign")
    shutil.copy(SAMPLES / "P5/ReleaseNotes/readme-3.2.0.xml", repo / "foreign")
    return repo


@pytest.fixture
def broken(repository) -> Path:
    """The repository with one invalid file (a div type the project schema does not allow); removed after."""
    path = repository / "letters" / "broken.xml"
    path.write_bytes((repository / "letters" / "seed.xml").read_bytes().replace(b'<div type="letter">',
                                                                                b'<div type="chapter">', 1))
    yield path
    path.unlink()


def test_the_repository_holds_what_the_recipes_are_about(repository):
    files = sorted(p.relative_to(repository).as_posix() for p in repository.rglob("*") if p.is_file())
    assert files == ["cmif/letters.xml", "foreign/readme-3.2.0.xml", "foreign/tei_minimal.tei.xml",
                     "letters/.tei-convert.json",  # what tei convert wrote: a re-run keeps the hand edits
                     "letters/1963/letter.xml", "letters/enriched.xml", "letters/seed.xml", "letters/tei_bha.rng",
                     "letters/tei_bha.sch"]
    assert b'href="../tei_bha.rng"' in (repository / "letters" / "1963" / "letter.xml").read_bytes()
    assert b"revisionDesc" in (repository / "letters" / "enriched.xml").read_bytes()


def test_github_actions_recipe_passes_then_fails_on_a_broken_file(repository, shim, request):
    command = _actions_command()
    assert command == "tei validate --format sarif . > tei.sarif"
    passed = _run(command, repository, shim)
    assert passed.returncode == 0, (repository / "tei.sarif").read_text()
    log = json.loads((repository / "tei.sarif").read_text())
    assert log["runs"][0]["results"] == [] and len(log["runs"][0]["artifacts"]) == 6
    request.getfixturevalue("broken")
    failed = _run(command, repository, shim)
    assert failed.returncode == 1
    results = json.loads((repository / "tei.sarif").read_text())["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "letters/broken.xml"}
    (repository / "tei.sarif").unlink()


def test_pre_commit_hook_passes_then_fails_on_a_broken_file(repository, shim, request):
    hook = _hook()
    assert (hook["id"], hook["entry"], hook["language"]) == ("tei-validate", "tei validate", "python")

    def run_hook() -> subprocess.CompletedProcess:
        staged = sorted(p.relative_to(repository).as_posix() for p in repository.rglob("*") if p.is_file())
        matching = [name for name in staged if re.search(hook["files"], name)]
        assert "letters/tei_bha.rng" not in matching and "foreign/tei_minimal.tei.xml" in matching
        return _run([*hook["entry"].split(), *hook.get("args", []), *matching], repository, shim)

    passed = run_hook()
    assert passed.returncode == 0, passed.stdout.decode() + passed.stderr.decode()
    assert passed.stderr.decode().strip().endswith("6 of 6 file(s) valid")
    request.getfixturevalue("broken")
    failed = run_hook()
    assert failed.returncode == 1
    assert failed.stdout.decode().startswith("letters/broken.xml:")
    assert "[tei_bha.rng]" in failed.stdout.decode()
