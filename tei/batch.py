"""Many exports → many TEI files: plan one job per input file, convert what is not up to date (in
worker processes when asked) and report one typed outcome per job as it is done.

The library half of `tei convert`: it never prints; the CLI shows the outcomes (and a progress bar).
A Batch is iterated once. This process reads every input (a FIFO or device is skipped, never read),
decides with the output folder's manifest (tei/manifest.py) what is up to date and what was edited
by hand, and writes every output atomically; worker processes only convert bytes to bytes. So
stopping the iteration (Ctrl-C, SIGTERM, an exception in the caller) kills the workers at once and
leaves no partial or temporary file, and a worker that dies (killed by the OOM killer) costs its
one file, not the batch.
"""
from __future__ import annotations

import contextlib
import os
import select
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from pathlib import Path

from .archive import ARTICLE_SUFFIX, companion_paths, parse_article
from .build import point_to_schemas, schema_prefix
from .convert import ConvertOptions, convert_bytes, convert_document
from .decisions import render as render_decisions
from .errors import BatchError, OutputError, TeiError
from .harvest import lost_edit
from .manifest import Manifest, Record, digest, kept_state, settings_digest
from .files import read_regular_file
from .worker import TimedWorker, WorkerError
from .write import remove_stale_temporaries, serialize, signals_held, write_atomic

EXPORT_SUFFIX = ".txt"
INPUT_SUFFIXES = (EXPORT_SUFFIX, ARTICLE_SUFFIX)
TEI_SUFFIX = ".xml"
_WARM_UP = "id: warm-up\n标题：题\n\n正文：\n正文一段。\n".encode("utf-8")
"""A tiny export converted once before the worker processes start, so that they share (forked,
copy on write) the OCR data and compiled schemas instead of each loading its own."""


@dataclass(frozen=True)
class Job:
    """One export file and the TEI file it becomes."""

    source: Path
    target: Path
    schema_prefix: str = ""
    """From the target's folder to the output folder, where the schemas are written (build.schema_prefix)."""


class Status(str, Enum):
    WRITTEN = "written"
    UP_TO_DATE = "up to date"
    """The output is what this input, tool and options make: nothing redone."""
    KEPT = "kept"
    """The output was edited since the tool wrote it (or no record says the tool wrote it, and it is
    not what the tool makes): kept as it is, unless the batch was asked to force."""
    SKIPPED = "skipped"
    """Not a regular file (a FIFO, a device): never read."""
    REJECTED = "rejected"
    """The input cannot be converted (not an export, not UTF-8, unreadable …): the message says why."""
    UNWRITABLE = "unwritable"
    """The TEI file cannot be written (a folder in the way, no permission, disk full)."""
    FAILED = "failed"
    """An unexpected error (a bug), or the worker process died: reported against the file, and the
    batch goes on."""


@dataclass(frozen=True)
class Outcome:
    """What became of one job: its status, the warnings for the user and, for a failure, the error."""

    job: Job
    status: Status
    warnings: tuple[str, ...] = ()
    error: str | None = None


def plan(paths: Sequence[Path], output: Path) -> tuple[Job, ...]:
    """One job per input file of `paths` (files as given, folders searched for text exports `*.txt`
    and the archive's articles, recursive: a `<id>.json` in a folder named `<id[:3]>`, as a
    checkout of the archive's `parsed` branch holds them; other JSON files are not articles).

    `output` is the TEI file itself when `paths` is one file and `output` ends in `.xml`;
    otherwise it is a folder: a file's TEI goes to `output/<stem>.xml`, a folder's files keep their
    layout under it.

    Raises:
        BatchError: no export file found, several outputs for a path ending in `.xml`, or two
            inputs that would be written to the same file.
    """
    names_a_file = output.suffix == TEI_SUFFIX and not output.is_dir()
    if names_a_file and len(paths) == 1 and not paths[0].is_dir():
        return (Job(paths[0], output),)  # its xml-model hrefs name the schemas beside it
    if names_a_file:
        raise BatchError(f"the output {output} names a file (.xml), but a folder or several files give one "
                         "TEI file each: name a folder")
    jobs: list[Job] = []
    seen: dict[Path, Path] = {}
    for path in paths:
        for source, relative in _sources(path):
            target = output / relative
            if target in seen and seen[target] != source:
                raise BatchError(f"{source} and {seen[target]} would both be written to {target}")
            if target not in seen:
                seen[target] = source
                jobs.append(Job(source, target, schema_prefix(target, output)))
    if not jobs:
        raise BatchError(f"no {' or '.join(INPUT_SUFFIXES)} files found in {', '.join(map(str, paths))}")
    return tuple(jobs)


def _sources(path: Path) -> Iterable[tuple[Path, Path]]:
    """(export file, its TEI file relative to the output folder) for a file or a folder."""
    if not path.is_dir():
        return [(path, Path(path.stem + TEI_SUFFIX))]
    return [(source, source.relative_to(path).with_suffix(TEI_SUFFIX)) for source in input_files(path)]


def input_files(path: Path) -> list[Path]:
    """A file as given; a folder's text exports and articles of the archive (is_input), recursive, sorted."""
    if not path.is_dir():
        return [path]
    return sorted(found for found in path.rglob("*") if is_input(found) and not found.is_dir())


def is_input(path: Path) -> bool:
    """A text export, or an article of the archive in its layout (`<id[:3]>/<id>.json`)."""
    return path.suffix == EXPORT_SUFFIX or (path.suffix == ARTICLE_SUFFIX and path.parent.name == path.stem[:3])


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class ArticleFiles:
    """An article of the archive's JSON as bytes: its JSON, its tags and its book's record (file
    name, bytes), the last two None where there are none (archive.companion_paths)."""

    data: bytes
    tags: bytes | None
    book: tuple[str, bytes | None]


@dataclass(frozen=True)
class _Work:
    """A job to convert, with what deciding it found: the input's bytes (an export's, or an
    article's files) and their digest, and the bytes of a file at the target that may hold a
    person's work (None: none, or overwritten anyway), written over only if it is what the tool
    makes or the new output carries its edits; `unrecorded` when no record says the tool wrote it."""

    data: bytes | ArticleFiles
    input_digest: str
    edited: bytes | None = None
    unrecorded: bool = False


class Batch:
    """Planned conversions; iterating converts what is not up to date and yields one Outcome per
    job as each is done (with workers, in the order they finish)."""

    def __init__(self, jobs: Sequence[Job], options: ConvertOptions = ConvertOptions(), workers: int = 1,
                 root: Path | None = None, force: bool = False):
        self.jobs = tuple(jobs)
        self.options = options
        self.workers = max(1, min(workers, len(self.jobs), usable_cores()))
        """Worker processes: as many as asked, but no more than the cores and the files."""
        self.root = root
        """The output folder, where write.write_schemas puts the schemas the outputs point to;
        None when the output is one named file."""
        self.force = force
        """Overwrite outputs edited since the tool wrote them."""
        self.notes: list[str] = []
        """What to tell the user about the run itself once it is done (stale temporary files removed, a
        manifest that could not be read or written)."""

    def __len__(self) -> int:
        return len(self.jobs)

    def __iter__(self) -> Iterator[Outcome]:
        if not self.jobs:
            return
        folder = self.root if self.root is not None else self.jobs[0].target.parent
        manifest, problem = Manifest.load(folder)
        if problem:
            self.notes.append(problem)
        removed = sum(remove_stale_temporaries(place) for place in {job.target.parent for job in self.jobs} | {folder})
        if removed:
            self.notes.append(f"removed {removed} temporary file(s) left in {folder} by an interrupted run")
        pool = _Pool(partial(_convert, options=self.options), self.workers, self.options)
        try:
            yield from self._run(manifest, _Settings(self.options), pool)
        finally:
            with signals_held():  # a second Ctrl-C must not cut the clean-up short
                pool.close()
                try:
                    manifest.save()
                except OutputError as err:
                    self.notes.append(f"{err}; the next run will compare the files instead")

    def _run(self, manifest: Manifest, settings: "_Settings", pool: "_Pool") -> Iterator[Outcome]:
        pending = iter(self.jobs)
        while True:
            while pool.has_room() and (job := next(pending, None)) is not None:
                work = self._decide(job, manifest, settings)
                if isinstance(work, Outcome):
                    yield work
                else:
                    pool.submit(job, work)
            if not pool.pending:
                return
            for job, work, reply in pool.wait():
                yield self._finish(job, work, reply, manifest, settings)

    def _decide(self, job: Job, manifest: Manifest, settings: "_Settings") -> Outcome | _Work:
        """Read the input; an outcome now (skipped, unreadable, up to date, kept), or work to do."""
        data, problem = read_regular_file(job.source)
        if data is None:
            if isinstance(problem, str):
                return Outcome(job, Status.SKIPPED, (f"{job.source}: {problem}; skipped",))
            return Outcome(job, Status.REJECTED, error=f"{job.source}:0: {problem.message}")
        input_digest = digest(data)
        if job.source.suffix == ARTICLE_SUFFIX:  # its tags and its book's record count as its input too
            tags_path, book_path = companion_paths(job.source)
            tags, book = read_regular_file(tags_path)[0], read_regular_file(book_path)[0]
            data = ArticleFiles(data, tags, (str(book_path), book))
            input_digest = digest(b"\0".join(digest(part or b"").encode() for part in (data.data, tags, book)))
        existing, _ = read_regular_file(job.target)
        if existing is None or self.force:
            return _Work(data, input_digest)
        record = manifest.get(job.target)
        if record is None:
            return _Work(data, input_digest, existing, unrecorded=True)
        unchanged = record.input == input_digest and record.settings == settings.of(record.document)
        if digest(existing) != record.output:  # edited: overwritten only if the decisions now carry the edits
            if record.kept and record.kept == kept_state(existing, input_digest, settings.of(record.document)):
                return Outcome(job, Status.KEPT, (_edited_message(job, record.lost),))
            if unchanged:
                return Outcome(job, Status.KEPT, (_edited_message(job, _HARVEST_HINT),))
            return _Work(data, input_digest, existing)
        if unchanged:
            return Outcome(job, Status.UP_TO_DATE)  # the same input is the same document: its id holds
        return _Work(data, input_digest)

    def _finish(self, job: Job, work: _Work, reply: object, manifest: Manifest, settings: "_Settings") -> Outcome:
        """Write a converted document (or report why not) and record it."""
        if isinstance(reply, WorkerError):
            return Outcome(job, Status.FAILED, error=f"{job.source}:0: the process converting it died ({reply}; "
                                                     "out of memory?); the other files go on")
        status, value, warnings, document, lost = reply
        if status is not Status.WRITTEN:
            return Outcome(job, status, error=value)
        output_digest = digest(value)
        record = Record(work.input_digest, settings.of(document), output_digest, document)
        if work.edited is not None:
            if value == work.edited:
                manifest.record(job.target, record)
                return Outcome(job, Status.UP_TO_DATE)
            what = (f"not what tei convert makes of {job.source}, and no record says it wrote it" if work.unrecorded
                    else "edited since tei convert wrote it")
            if lost is not None:
                if work.unrecorded:
                    return Outcome(job, Status.KEPT, (f"{job.target}: {what} ({lost}); kept (--force overwrites it)",))
                old = manifest.get(job.target)
                state = kept_state(work.edited, work.input_digest, settings.of(old.document))
                manifest.record(job.target, replace(old, kept=state, lost=lost))
                return Outcome(job, Status.KEPT, (_edited_message(job, lost),))
            warnings = (f"{job.target}: {what}; overwritten, as the review decisions carry every change in it",
                        *warnings)
        with signals_held():  # a file written is a file recorded
            try:
                write_atomic(job.target, value)
            except OutputError as err:
                return Outcome(job, Status.UNWRITABLE, error=str(err))
            manifest.record(job.target, record)
        return Outcome(job, Status.WRITTEN, warnings)


class _Settings:
    """What, besides its input, decides the bytes written for each document: every option but the
    review decisions (manifest.settings_digest), and the decisions that name the document, so that
    a decision re-converts its own document, not the corpus. (What `--learn` folds in from all the
    decisions is an option of every document.)"""

    def __init__(self, options: ConvertOptions):
        self.common = settings_digest(replace(options, decisions=()))
        self.decided: dict[str, list] = {}
        for decision in options.decisions:
            self.decided.setdefault(decision.document, []).append(decision)

    def of(self, document: str) -> str:
        """The settings digest of the document with article id `document`."""
        decided = self.decided.get(document)
        return self.common if not decided else digest(f"{self.common}\n{render_decisions(decided)}".encode("utf-8"))


_HARVEST_HINT = "tei harvest turns changed readings into decisions"


def _edited_message(job: Job, why: str) -> str:
    return (f"{job.target}: edited since tei convert wrote it, with changes the review decisions do not carry "
            f"({why}); kept (--force overwrites it)")


def _convert(data: bytes | ArticleFiles, name: str, prefix: str, edited: bytes | None,
             options: ConvertOptions) -> tuple[Status, bytes | str, tuple[str, ...], str, str | None]:
    """One document's bytes → (WRITTEN, its TEI bytes, warnings, its article id, the first change of
    `edited`, the file now at the target, that writing them would lose: harvest.lost_edit) or
    (REJECTED or FAILED, the error, (), "", None); in a worker process. Never raises: every error
    is the job's."""
    try:
        if isinstance(data, ArticleFiles):
            result = convert_document(parse_article(data.data, name, Path(name).stem, data.tags, data.book), options)
        else:
            result = convert_bytes(data, name, options)
        if prefix:
            point_to_schemas(result.tree, prefix)
        output = serialize(result.tree)
        lost = lost_edit(edited, result, options, prefix) if edited is not None and output != edited else None
        return Status.WRITTEN, output, result.warnings, result.conversion.document.header.article_id, lost
    except TeiError as err:
        return Status.REJECTED, str(err), (), "", None
    except Exception as err:  # a bug: report it against the file and let the batch go on
        return Status.FAILED, f"{name}:0: internal error ({type(err).__name__}: {err}); please report it", (), "", None


class _Pool:
    """`size` workers converting one job each at a time: in this process when size is 1, else in
    forked processes (TimedWorker, without a time limit) started as they are needed."""

    def __init__(self, function: partial, size: int, options: ConvertOptions):
        self.function = function
        self.size = size
        self.options = options
        self.workers: list[TimedWorker] = []
        self.busy: dict[TimedWorker, tuple[Job, _Work]] = {}
        self.finished: list[tuple[Job, _Work, object]] = []
        """Jobs done without a wait: a worker that died before it took one."""

    def has_room(self) -> bool:
        return len(self.busy) + len(self.finished) < self.size

    @property
    def pending(self) -> bool:
        return bool(self.busy or self.finished)

    def submit(self, job: Job, work: _Work) -> None:
        worker = next((worker for worker in self.workers if worker not in self.busy), None)
        if worker is None:
            if self.size > 1 and not self.workers:
                with contextlib.suppress(TeiError):  # loaded once here, shared by every forked worker
                    convert_bytes(_WARM_UP, "warm-up", self.options)
            worker = TimedWorker(self.function, None if self.size > 1 else 0)
            self.workers.append(worker)
        try:
            worker.submit(work.data, str(job.source), job.schema_prefix, work.edited)
        except WorkerError as err:
            self.finished.append((job, work, err))
            return
        self.busy[worker] = (job, work)

    def wait(self) -> list[tuple[Job, _Work, object]]:
        """The jobs done since the last call (at least one), each with its reply or a WorkerError."""
        if self.finished:
            done, self.finished = self.finished, []
            return done
        if any(worker.in_process for worker in self.busy):
            ready = list(self.busy)
        else:
            readable = set(select.select([worker.fileno() for worker in self.busy], [], [])[0])
            ready = [worker for worker in self.busy if worker.fileno() in readable]
        done = []
        for worker in ready:
            job, work = self.busy.pop(worker)
            try:
                done.append((job, work, worker.result()))
            except WorkerError as err:
                done.append((job, work, err))
        return done

    def close(self) -> None:
        """Kill the workers (they hold no file: nothing to clean up) and wait for them."""
        for worker in self.workers:
            worker.close()
        self.workers.clear()
        self.busy.clear()


def convert_paths(paths: Sequence[Path], output: Path, options: ConvertOptions = ConvertOptions(),
                  workers: int = 1, force: bool = False) -> Batch:
    """The batch that converts the export files of `paths` into `output` (see `plan`), in
    `workers` processes (at most the cores and the files); nothing is read before the batch is
    iterated. With `force`, outputs edited since the tool wrote them are overwritten.

    Raises:
        BatchError: as `plan`.
    """
    jobs = plan(paths, output)
    names_a_file = len(jobs) == 1 and jobs[0].target == output
    return Batch(jobs, options, workers, None if names_a_file else output, force)
