"""The README's examples are what the tool prints: its console sessions are run again, in order,
in an empty folder with the seed copied into it (as the README says), and its quoted outputs (the
seed's TEI, JUnit, SARIF, CMIF) are compared with the files the commands write.

`tei …` commands run in this process (conftest.tei_command), with `| head -N` and `> FILE`
applied here; other shell lines run in bash, where `tei` is `python -m tei`. A conversion time
(`in 2.0 s`) is the one thing that may differ.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED, tei_command

README = (ROOT / "README.md").read_text(encoding="utf-8")
SEED_XML = Path("out") / f"{SEED.stem}.xml"
_TEI_LINE = re.compile(r"^((?:[A-Z_]+=\S+ )*)tei (.+?)(?: \| head -(\d+))?(?: > (\S+))?$")


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in `language`, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", README, flags=re.MULTILINE | re.DOTALL)


def sessions() -> list[list[tuple[str, str]]]:
    """Each console block as (command, the output shown after it)."""
    found = []
    for block in blocks("console"):
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
        found.append([(command, "".join(f"{line}\n" for line in output)) for command, output in steps])
    return found


def _timeless(text: str) -> str:
    return re.sub(r" in \d+\.\d s\b", " in N s", text)


class Shell:
    """Runs the README's commands in one folder, remembering the last exit status for `echo $?`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.status = 0

    def run(self, command: str) -> str:
        if command == "echo $?":
            return f"{self.status}\n"
        match = _TEI_LINE.match(command)
        if match and not any(ch in match.group(2) for ch in "<>|$"):
            return self._tei(*match.groups())
        return self._bash(command)

    def _tei(self, assignments: str, args: str, head: str | None, target: str | None) -> str:
        env = dict(assignment.split("=", 1) for assignment in assignments.split())
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(self.folder)
            ran = tei_command(*shlex.split(args), env=env)
        self.status = ran.returncode
        out, err = ran.stdout.decode(), ran.stderr.decode()
        if target:
            (self.folder / target).write_text(out, encoding="utf-8")
            out = ""
        if head:
            out = "".join(out.splitlines(keepends=True)[:int(head)])
        return out + err

    def _bash(self, command: str) -> str:
        prelude = f'tei() {{ {shlex.quote(sys.executable)} -m tei "$@"; }}\n'
        ran = subprocess.run(["bash", "-c", prelude + self.defined + command], cwd=self.folder,
                             capture_output=True, text=True)
        self.status = ran.returncode
        if command.endswith("}"):  # a function the next lines use
            self.defined += command + "\n"
        return ran.stdout + ran.stderr

    defined = ""


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Path, list[tuple[str, str, str]]]:
    """The README's console sessions, run: the folder and (command, shown, printed) per step."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copyfile(SEED, folder / SEED.name)
    shell = Shell(folder)
    return folder, [(command, shown, shell.run(command)) for session in sessions() for command, shown in session]


def test_the_console_examples_print_what_the_readme_shows(ran):
    _, steps = ran
    assert len(steps) >= 12
    differ = [f"$ {command}\n{printed}" for command, shown, printed in steps if _timeless(printed) != _timeless(shown)]
    assert differ == []


def test_the_seed_excerpts_are_in_the_converted_file(ran):
    folder, _ = ran
    written = [line.strip() for line in (folder / SEED_XML).read_text(encoding="utf-8").splitlines()]
    excerpts = [block for block in blocks("xml") if not block.startswith("<?xml")]
    assert len(excerpts) == 3
    for excerpt in excerpts:
        for chunk in re.split(r"^\s*…\n", excerpt, flags=re.MULTILINE):
            lines = [line.strip() for line in chunk.splitlines()]
            if len(lines) == 1:
                assert any(lines[0] in line for line in written), lines[0]
            else:
                assert any(written[i:i + len(lines)] == lines for i in range(len(written))), lines[0]


def test_the_ocr_counts_are_the_converted_files(ran):
    folder, _ = ran
    text = (folder / SEED_XML).read_text(encoding="utf-8")
    counts = {cert: text.count(f'cert="{cert}"') for cert in ("high", "medium", "low")}
    assert (f"and {sum(counts.values())} suspected OCR errors ({counts['high']} high, {counts['medium']} medium, "
            f"{counts['low']} low certainty)") in README
    assert f"marks {sum(counts.values())} suspected OCR errors" in README


def test_the_junit_sarif_and_cmif_outputs(ran):
    folder, _ = ran
    junit, cmif = (block for block in blocks("xml") if block.startswith("<?xml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        assert tei_command("validate", "--format", "junit", "out", "bad.xml").stdout.decode() == junit
        sarif = json.loads(tei_command("validate", "--format", "sarif", "out", "bad.xml").stdout)
    [result] = [block for block in blocks("json") if '"ruleId"' in block]
    assert json.loads(result) in sarif["runs"][0]["results"]
    assert (folder / "letters.xml").read_text(encoding="utf-8") == cmif


def test_the_preview_size(ran):
    folder, _ = ran
    size = round((folder / "seed.html").stat().st_size / 1000)
    assert f"`seed.html` ({size} kB)" in README
