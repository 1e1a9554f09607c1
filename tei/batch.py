"""Many exports → many TEI files: plan one job per input file, convert the jobs (in a process pool
when asked) and report one typed outcome per job, in input order.

The library half of `tei convert`: it never prints; the CLI shows the outcomes (and a progress bar).
A Batch is iterated once; closing the iteration early (an exception in the caller, Ctrl-C) shuts
the pool down and cancels the jobs not yet started.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path

from .build import point_to_schemas, schema_prefix
from .convert import ConvertOptions, convert_file
from .errors import BatchError, OutputError, TeiError
from .write import serialize, write_atomic

EXPORT_SUFFIX = ".txt"
ARTICLE_SUFFIX = ".json"
"""The archive's JSON of an article (a checkout of its `parsed` branch)."""
INPUT_SUFFIXES = (EXPORT_SUFFIX, ARTICLE_SUFFIX)
TEI_SUFFIX = ".xml"


@dataclass(frozen=True)
class Job:
    """One export file and the TEI file it becomes."""

    source: Path
    target: Path
    schema_prefix: str = ""
    """From the target's folder to the output folder, where the schemas are written (build.schema_prefix)."""


class Status(str, Enum):
    WRITTEN = "written"
    REJECTED = "rejected"
    """The input cannot be converted (not an export, not UTF-8, …): the message says why."""
    UNWRITABLE = "unwritable"
    """The TEI file cannot be written (a folder in the way, no permission, disk full)."""
    FAILED = "failed"
    """An unexpected error, a bug: reported against the file, and the batch goes on."""


@dataclass(frozen=True)
class Outcome:
    """What became of one job: its status, the warnings for the user and, unless written, the error."""

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
    return [(source, source.relative_to(path).with_suffix(TEI_SUFFIX))
            for source in sorted(found for found in path.rglob("*") if is_input(found) and not found.is_dir())]


def is_input(path: Path) -> bool:
    """A text export, or an article of the archive in its layout (`<id[:3]>/<id>.json`)."""
    return path.suffix == EXPORT_SUFFIX or (path.suffix == ARTICLE_SUFFIX and path.parent.name == path.stem[:3])


class Batch:
    """Planned conversions; iterating converts them and yields one Outcome per job, in job order."""

    def __init__(self, jobs: Sequence[Job], options: ConvertOptions = ConvertOptions(), workers: int = 1,
                 root: Path | None = None):
        self.jobs = tuple(jobs)
        self.options = options
        self.workers = workers
        self.root = root
        """The output folder, where write.write_schemas puts the schemas the outputs point to;
        None when the output is one named file."""

    def __len__(self) -> int:
        return len(self.jobs)

    def __iter__(self) -> Iterator[Outcome]:
        run = partial(convert_job, options=self.options)
        if self.workers == 1 or len(self.jobs) == 1:
            yield from map(run, self.jobs)
            return
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(self.jobs)))
        try:
            yield from pool.map(run, self.jobs, chunksize=max(1, len(self.jobs) // (self.workers * 8)))
        finally:
            pool.shutdown(cancel_futures=True)


def convert_paths(paths: Sequence[Path], output: Path, options: ConvertOptions = ConvertOptions(),
                  workers: int = 1) -> Batch:
    """The batch that converts the export files of `paths` into `output` (see `plan`), in
    `workers` processes; nothing is converted before the batch is iterated.

    Raises:
        BatchError: as `plan`.
    """
    jobs = plan(paths, output)
    names_a_file = len(jobs) == 1 and jobs[0].target == output
    return Batch(jobs, options, workers, None if names_a_file else output)


def convert_job(job: Job, options: ConvertOptions) -> Outcome:
    """Convert one job and write its TEI file atomically; every error becomes the job's outcome."""
    try:
        result = convert_file(job.source, options)
        if job.schema_prefix:
            point_to_schemas(result.tree, job.schema_prefix)
        write_atomic(job.target, serialize(result.tree))
    except OutputError as err:
        return Outcome(job, Status.UNWRITABLE, error=str(err))
    except TeiError as err:
        return Outcome(job, Status.REJECTED, error=str(err))
    except Exception as err:  # a bug: report it against the file and let the batch go on
        return Outcome(job, Status.FAILED,
                       error=f"{job.source}:0: internal error ({type(err).__name__}: {err}); please report it")
    return Outcome(job, Status.WRITTEN, result.warnings)
