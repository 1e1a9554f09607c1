"""tei.batch: where each file goes, one typed outcome per file whatever happens, and a second run that
redoes nothing up to date and keeps what people edited."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import field, make_dataclass
from pathlib import Path

import pytest
from lxml import etree

import tei.batch
from conftest import DEV_SET, INPUTS, SEED
from tei import ConvertOptions, convert_paths, read_export
from tei.batch import Job, Status, plan, usable_cores
from tei.decisions import decide
from tei.errors import BatchError
from tei.manifest import MANIFEST_NAME, settings_digest

NO_OCR = ConvertOptions(ocr=False)


def test_one_file_and_an_xml_output_is_that_file(tmp_path):
    assert plan([SEED], tmp_path / "single.xml") == (Job(SEED, tmp_path / "single.xml"),)


def test_otherwise_the_output_is_a_folder_and_folders_keep_their_layout(tmp_path):
    assert plan([SEED], tmp_path / "out") == (Job(SEED, tmp_path / "out" / f"{SEED.stem}.xml"),)
    jobs = plan([INPUTS], tmp_path / "out")
    assert [job.target.relative_to(tmp_path / "out") for job in jobs] == [
        path.relative_to(INPUTS).with_suffix(".xml") for path in sorted(INPUTS.rglob("*.txt"))]


def test_a_folder_into_an_xml_name_is_refused(tmp_path):
    message = "names a file (.xml), but a folder or several files give one TEI file each"
    with pytest.raises(BatchError, match=re.escape(message)):
        plan([INPUTS / "odd"], tmp_path / "all.xml")


def test_two_inputs_for_one_output_are_refused_and_one_input_twice_is_one_job(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copyfile(SEED, tmp_path / folder / SEED.name)
    with pytest.raises(BatchError, match="would both be written to"):
        plan([tmp_path / "a" / SEED.name, tmp_path / "b" / SEED.name], tmp_path / "out")
    assert len(plan([SEED, SEED.parent], tmp_path / "out")) == len(list(SEED.parent.glob("*.txt")))


def test_a_folder_without_exports(tmp_path):
    with pytest.raises(BatchError, match=f"no .txt or .json files found in {tmp_path}"):
        plan([tmp_path], tmp_path / "out")


@pytest.mark.parametrize("workers", [1, 2])
def test_one_outcome_per_file_whatever_happens_to_it(tmp_path, workers):
    folder = tmp_path / "in"
    shutil.copytree(INPUTS, folder)
    (tmp_path / "out" / "odd").mkdir(parents=True)
    blocked = sorted((folder / "odd").glob("*.txt"))[0]
    (tmp_path / "out" / "odd" / f"{blocked.stem}.xml").mkdir()  # a folder in the way of one file
    batch = convert_paths([folder], tmp_path / "out", NO_OCR, workers)
    outcomes = list(batch)
    assert sorted(outcome.job.source for outcome in outcomes) == sorted(job.source for job in batch.jobs)  # as they finish
    statuses = {outcome.job.source: outcome.status for outcome in outcomes}
    assert {source for source, status in statuses.items() if status is Status.REJECTED} == set((folder / "bad").iterdir())
    assert statuses[blocked] is Status.UNWRITABLE
    written = [outcome for outcome in outcomes if outcome.status is Status.WRITTEN]
    assert len(written) == len(list((folder / "odd").iterdir())) - 1
    assert all(outcome.job.target.is_file() and outcome.error is None for outcome in written)
    assert all(outcome.error.startswith(f"{outcome.job.source}:") for outcome in outcomes
               if outcome.status is Status.REJECTED)


def test_nothing_is_converted_before_the_batch_is_iterated(tmp_path):
    batch = convert_paths([SEED], tmp_path / "out", NO_OCR)
    assert len(batch) == 1 and not (tmp_path / "out").exists()
    [outcome] = batch
    assert outcome.status is Status.WRITTEN and Path(outcome.job.target).is_file()


def test_jobs_are_capped_by_the_cores_and_the_files(tmp_path):
    assert convert_paths([SEED], tmp_path / "out", NO_OCR, workers=16).workers == 1
    assert convert_paths([INPUTS], tmp_path / "out", NO_OCR, workers=64).workers == min(64, usable_cores())


# ----------------------------------------------------------------------------------------------
# Incremental and safe: a second run redoes nothing up to date and never overwrites a hand edit

def _run(paths, output, options=NO_OCR, workers=1, force=False) -> dict[str, Status]:
    return {outcome.job.source.name: outcome.status for outcome in convert_paths(paths, output, options, workers, force)}


def test_a_second_run_over_an_unchanged_corpus_does_no_work(tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = _run([DEV_SET], out, workers=2)
    assert set(first.values()) == {Status.WRITTEN}
    written = {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in out.glob("*.xml")}
    monkeypatch.setattr(tei.batch, "convert_bytes", _no_conversion)  # a conversion would fail the run
    assert set(_run([DEV_SET], out, workers=2).values()) == {Status.UP_TO_DATE}
    assert {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in out.glob("*.xml")} == written


def _no_conversion(*args, **kwargs):
    raise AssertionError("converted a file that is up to date")


def test_a_hand_edited_output_is_kept_unless_forced(tmp_path):
    out = tmp_path / "out"
    _run([INPUTS / "odd"], out)
    edited = out / "ornament.xml"
    edited.write_bytes(edited.read_bytes().replace(b"</body>", b"<!-- checked by hand --></body>"))
    outcomes = list(convert_paths([INPUTS / "odd"], out, ConvertOptions(ocr=True)))  # other options: all redone …
    kept = [outcome for outcome in outcomes if outcome.status is Status.KEPT]
    assert [outcome.job.target for outcome in kept] == [edited]  # … but the edited file
    assert kept[0].warnings == (f"{edited}: edited since tei convert wrote it, with changes the review decisions do "
                                "not carry (line 31: <p> differs from what tei convert makes now); kept (--force "
                                "overwrites it)",)  # its header's editorialDecl: OCR marking is on now
    assert b"checked by hand" in edited.read_bytes()
    assert {outcome.status for outcome in outcomes if outcome not in kept} == {Status.WRITTEN}
    assert _run([INPUTS / "odd"], out, force=True)["ornament.txt"] is Status.WRITTEN
    assert b"checked by hand" not in edited.read_bytes()


def test_a_review_decision_converts_its_own_document_again_not_the_others(tmp_path):
    """Decisions count among the settings of the document they name only: a reviewer's decision
    on one document of a large corpus re-converts that document."""
    out, folder = tmp_path / "out", tmp_path / "in"
    folder.mkdir()
    for path in sorted(DEV_SET.glob("*.txt"))[:3]:
        shutil.copyfile(path, folder / path.name)
    first = sorted(folder.glob("*.txt"))[0].name
    assert set(_run([folder], out).values()) == {Status.WRITTEN}
    document = read_export(folder / first)
    start = document.body.index(next(c for c in document.body if "\u4e00" <= c <= "\u9fff"))
    added = decide(document.header.article_id, document.body, start, document.body[start], "add", "某", "Jane Doe")
    reviewed = ConvertOptions(ocr=False, decisions=(added,))
    statuses = _run([folder], out, reviewed)
    assert statuses.pop(first) is Status.WRITTEN
    assert set(statuses.values()) == {Status.UP_TO_DATE}
    assert "Jane Doe" in (out / first).with_suffix(".xml").read_text(encoding="utf-8")
    assert set(_run([folder], out, reviewed).values()) == {Status.UP_TO_DATE}
    statuses = _run([folder], out)  # the decision withdrawn
    assert statuses.pop(first) is Status.WRITTEN and set(statuses.values()) == {Status.UP_TO_DATE}


def test_a_changed_input_is_converted_again(tmp_path):
    source = tmp_path / "in" / SEED.name
    source.parent.mkdir()
    shutil.copyfile(SEED, source)
    _run([source.parent], tmp_path / "out")
    source.write_bytes(source.read_bytes().replace("苏共中央".encode(), "某某".encode(), 1))
    assert _run([source.parent], tmp_path / "out") == {SEED.name: Status.WRITTEN}
    assert "某某" in (tmp_path / "out" / f"{SEED.stem}.xml").read_text(encoding="utf-8")


def test_a_file_no_record_speaks_for_is_kept_unless_it_is_what_the_tool_makes(tmp_path):
    out = tmp_path / "out"
    _run([INPUTS / "odd"], out)
    (out / MANIFEST_NAME).unlink()  # outputs of an older version, or copied without their manifest
    (out / "ornament.xml").write_text("<mine/>", encoding="utf-8")
    statuses = _run([INPUTS / "odd"], out)
    assert statuses.pop("ornament.txt") is Status.KEPT and (out / "ornament.xml").read_text() == "<mine/>"
    assert set(statuses.values()) == {Status.UP_TO_DATE}


def test_the_settings_digest_covers_every_option_field_even_one_added_later(tmp_path):
    """The review's decisions file, say: a new field, a Path, counts by the file's content."""
    options_with_a_file = make_dataclass("Later", [("decisions", Path, field(default=None))], bases=(ConvertOptions,),
                                         frozen=True)
    decisions = tmp_path / "decisions.json"
    decisions.write_text("[]")
    before = settings_digest(options_with_a_file(decisions=decisions))
    assert before != settings_digest(NO_OCR) != settings_digest(ConvertOptions())
    assert settings_digest(options_with_a_file(decisions=decisions)) == before
    decisions.write_text('[{"accept": 1}]')
    assert settings_digest(options_with_a_file(decisions=decisions)) != before


# ----------------------------------------------------------------------------------------------
# Whatever is in the folder, the batch finishes and reports

def test_fifos_and_devices_are_skipped_never_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SEED, folder / SEED.name)
    os.mkfifo(folder / "fifo.txt")  # nobody writes to it: reading would block for good
    (folder / "zero.txt").symlink_to("/dev/zero")  # reading would never end
    outcomes = {outcome.job.source.name: outcome for outcome in convert_paths([folder], tmp_path / "out", NO_OCR)}
    assert outcomes[SEED.name].status is Status.WRITTEN
    assert outcomes["fifo.txt"].warnings == (f"{folder / 'fifo.txt'}: not a regular file (a FIFO); skipped",)
    assert outcomes["zero.txt"].warnings == (f"{folder / 'zero.txt'}: not a regular file (a character device); skipped",)
    assert {outcomes[name].status for name in ("fifo.txt", "zero.txt")} == {Status.SKIPPED}


def test_a_worker_that_dies_costs_its_file_only(tmp_path, monkeypatch):
    """As when the OOM killer ends a worker: one line for that file, the others converted."""
    convert = tei.batch._convert

    def killed_on_the_seed(data, name, prefix, edited, options):
        if name.endswith(SEED.name):
            os.kill(os.getpid(), signal.SIGKILL)
        return convert(data, name, prefix, edited, options)

    monkeypatch.setattr(tei.batch, "_convert", killed_on_the_seed)  # the forked workers inherit it
    folder = tmp_path / "in"
    shutil.copytree(INPUTS / "odd", folder)
    shutil.copyfile(SEED, folder / SEED.name)
    outcomes = {outcome.job.source.name: outcome for outcome in convert_paths([folder], tmp_path / "out", NO_OCR, 2)}
    dead = outcomes.pop(SEED.name)
    assert dead.status is Status.FAILED
    assert dead.error == (f"{folder / SEED.name}:0: the process converting it died (the worker process ended without "
                          "an answer (killed by signal SIGKILL); out of memory?); the other files go on")
    assert {outcome.status for outcome in outcomes.values()} == {Status.WRITTEN}


def test_an_unreadable_file_is_rejected_alone_named_or_in_a_folder(tmp_path):
    """/proc/self/mem cannot be read from its start (EIO), even by root, whom chmod does not stop."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "unreadable.txt").symlink_to("/proc/self/mem")
    shutil.copyfile(SEED, folder / SEED.name)
    for paths in ([folder], [folder / "unreadable.txt", folder / SEED.name]):
        outcomes = {outcome.job.source.name: outcome for outcome in convert_paths(paths, tmp_path / "out", NO_OCR)}
        assert outcomes["unreadable.txt"].status is Status.REJECTED
        assert outcomes["unreadable.txt"].error == f"{folder / 'unreadable.txt'}:0: cannot read: Input/output error"
        assert outcomes[SEED.name].status in (Status.WRITTEN, Status.UP_TO_DATE)


def test_temporary_files_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    gone = _a_finished_pid()
    stale, alive = out / f".{SEED.stem}.xml.{gone}.0.tmp", out / f".{SEED.stem}.xml.{os.getpid()}.0.tmp"
    stale.write_bytes(b"")
    alive.write_bytes(b"")
    batch = convert_paths([SEED], out, NO_OCR)
    assert [outcome.status for outcome in batch] == [Status.WRITTEN]
    assert not stale.exists() and alive.exists()  # a running process's file is its own
    assert batch.notes == [f"removed 1 temporary file(s) left in {out} by an interrupted run"]


def _a_finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# ----------------------------------------------------------------------------------------------
# Stopping: Ctrl-C (twice) and SIGTERM, in a real process with worker processes

def _interrupted_batch(tmp_path, signals: list[int], ocr: bool) -> tuple[subprocess.CompletedProcess, int, Path]:
    """Start `tei convert IN -o OUT --jobs 2`, wait for its first output, send `signals` to its
    process group (as a terminal's Ctrl-C does; SIGTERM to the parent alone); the process, the
    files written after the signals were sent, and the output folder. (How fast it stops is
    measured in benchmarks/batch.py, not here: a busy machine slows any clock.)"""
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    copies = 1 if ocr else 40  # without OCR a file takes milliseconds: more of them
    for copy in range(copies):
        for source in sorted(DEV_SET.glob("*.txt")):
            shutil.copyfile(source, folder / f"{copy}-{source.name}")
    process = subprocess.Popen([sys.executable, "-m", "tei", "convert", str(folder), "-o", str(out), "--jobs", "2",
                                *([] if ocr else ["--no-ocr"])], stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while not any(out.glob("*.xml")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the batch ended before it could be interrupted"
    written = len(list(out.glob("*.xml")))
    for number in signals:
        if number == signal.SIGTERM:
            process.send_signal(number)
        else:
            os.killpg(process.pid, number)
        time.sleep(0.05)
    _, stderr = process.communicate(timeout=30)
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(process.pid, 0)
    return subprocess.CompletedProcess(process.args, process.returncode, b"", stderr), \
        len(list(out.glob("*.xml"))) - written, out


def _no_partial_file(out: Path) -> None:
    assert not [path for path in out.rglob("*") if path.name.endswith(".tmp")]
    for path in out.glob("*.xml"):
        etree.parse(str(path))  # complete: well-formed to the end


@pytest.mark.parametrize("signals, ocr, code, line", [
    ([signal.SIGINT], True, 130, "interrupted (Ctrl-C): stopped; no partial file left"),
    ([signal.SIGINT, signal.SIGINT], False, 130, "interrupted (Ctrl-C): stopped; no partial file left"),
    ([signal.SIGTERM], False, 143, "terminated (SIGTERM): stopped; no partial file left"),
], ids=["ctrl-c during OCR", "ctrl-c twice", "sigterm"])
def test_a_stopped_batch_stops_at_once_and_leaves_no_partial_file(tmp_path, signals, ocr, code, line):
    """Stopped, it converts nothing more (the bug: 65 more files after one Ctrl-C, a hang after two);
    the few allowed are files finished while the signals were on their way."""
    done, written_after, out = _interrupted_batch(tmp_path, signals, ocr)
    assert done.returncode == code and written_after <= 8, (done.returncode, written_after)
    stderr = done.stderr.decode()
    assert stderr.splitlines()[-1] == line and "Traceback" not in stderr
    _no_partial_file(out)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))  # what was written is recorded
    assert sorted(manifest["files"]) == sorted(path.name for path in out.glob("*.xml"))


def test_outcomes_come_as_files_finish_so_the_progress_bar_keeps_time(tmp_path, monkeypatch):
    """With workers, a slow first file does not hold back the report of the others."""
    convert = tei.batch._convert

    def slow_on_the_seed(data, name, prefix, edited, options):
        if name.endswith(SEED.name):
            time.sleep(1.0)
        return convert(data, name, prefix, edited, options)

    monkeypatch.setattr(tei.batch, "_convert", slow_on_the_seed)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SEED, folder / "0-first.txt")
    shutil.copyfile(SEED, folder / SEED.name)  # sorted after 0-first: submitted second, to the other worker
    for path in sorted((INPUTS / "odd").iterdir()):
        shutil.copyfile(path, folder / f"1-{path.name}")
    order = [outcome.job.source.name for outcome in convert_paths([folder], tmp_path / "out", NO_OCR, 2)]
    assert order.index(SEED.name) == len(order) - 1  # submitted second, reported last
