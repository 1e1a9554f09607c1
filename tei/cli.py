"""The `tei` command: a thin shell over the library that maps errors to exit codes.

Exit codes: 0 ok; 1 rejected input or invalid TEI (the rest of a batch still done);
2 usage, IO, or a schema that cannot be loaded.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click
from lxml import etree

from . import __version__
from .cmif import DEFAULT_TITLE, CmifOptions, Source, build_cmif, count_letters, read_authorities
from .errors import OutputError, SchemaError, TeiError
from .ocr_report import report_json, report_lines
from .preview import render_html
from .reader import parse_export, read_export
from .report import FORMATS, LINE_FORMATS, printable, render, render_file
from .totext import Reading, to_text
from .schemas import schemas_for_option
from .validate import TIME_LIMIT, files_to_check, safe_parser, validate_paths
from .build import point_to_schemas, schema_prefix
from .write import serialize, write_atomic, write_schemas

if TYPE_CHECKING:
    from .convert import ConvertOptions
# The converter and the OCR step (numpy, language model) are imported by the commands that use
# them, so that `tei validate` starts in a fraction of the time.


class UsageIOError(click.ClickException):
    """An IO or schema problem: exit 2, like a usage error (click's FileError would exit 1)."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tei")
def main() -> None:
    """Turn banned-historical-archives text exports into TEI P5 XML, and check TEI files."""


# --------------------------------------------------------------------------- convert
@dataclass(frozen=True)
class _Job:
    source: Path
    target: Path
    options: ConvertOptions
    schema_prefix: str = ""
    """From the target's folder to the output folder, where the schemas are written (tei.build.schema_prefix)."""


@dataclass(frozen=True)
class _Outcome:
    source: Path
    error: str | None
    warnings: tuple[str, ...]
    cannot_write: bool = False


_user_file_option = click.option(
    "--user-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your OCR knowledge (UTF-8): `wrong<TAB>right[<TAB>count]` lines add confusion pairs, "
         "any other line is a term never flagged; # starts a comment.")


def _load_user_file(path: Path | None) -> tuple[list[tuple[str, str, int]], list[str]]:
    if path is None:
        return [], []
    try:
        from .ocr import load_user_file

        return load_user_file(path)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--user-file") from err


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the TEI files (DIR/<stem>.xml; folders keep their layout).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Files converted in parallel (processes).")
@click.option("--no-ocr", is_flag=True, help="Do not mark suspected OCR errors.")
@click.option("--timestamp", is_flag=True,
              help="Record the conversion time in the header (SOURCE_DATE_EPOCH when set); off by default so output is reproducible.")
@_user_file_option
def convert(paths: tuple[Path, ...], output_dir: Path, jobs: int, no_ocr: bool, timestamp: bool,
            user_file: Path | None) -> None:
    """Convert export files (.txt), folders of them (recursive) or - (stdin to stdout) to TEI."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if timestamp and epoch is not None and not epoch.isdigit():
        raise click.BadParameter("SOURCE_DATE_EPOCH must be an integer number of seconds", param_hint="--timestamp")
    from .convert import ConvertOptions

    pairs, terms = _load_user_file(user_file)
    options = ConvertOptions(ocr=not no_ocr, timestamp=timestamp, extra_confusions=tuple(pairs), protected=tuple(terms))
    if any(str(path) == "-" for path in paths):
        if len(paths) > 1:
            raise click.UsageError("'-' (stdin) cannot be combined with other paths")
        _convert_stdin(options)
        return
    jobs_list = list(_plan(paths, output_dir, options))
    if not jobs_list:
        raise click.UsageError("no .txt files found in the given paths")
    started = time.perf_counter()
    failures = []
    cannot_write = False
    for outcome in _run(jobs_list, jobs):
        cannot_write |= outcome.cannot_write
        for warning in outcome.warnings:
            click.echo(f"warning: {warning}", err=True)
        if outcome.error:
            failures.append(outcome.error)
            click.echo(outcome.error, err=True)
    elapsed = time.perf_counter() - started
    done = len(jobs_list) - len(failures)
    if done:  # the schemas the outputs' xml-model instructions point to, once, at the output root
        try:
            write_schemas(output_dir)
        except OutputError as err:
            raise UsageIOError(str(err)) from err
    click.echo(f"converted {done} of {len(jobs_list)} file(s) to {output_dir} in {elapsed:.1f} s"
               + (f"; {len(failures)} rejected:" if failures else ""), err=True)
    for failure in failures:
        click.echo(f"  {failure}", err=True)
    if failures:
        sys.exit(2 if cannot_write else 1)


def _convert_stdin(options: ConvertOptions) -> None:
    from .convert import convert_bytes

    try:
        result = convert_bytes(sys.stdin.buffer.read(), "<stdin>", options)
    except TeiError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    sys.stdout.buffer.write(serialize(result.tree))


def _plan(paths: Iterable[Path], output_dir: Path, options: ConvertOptions) -> Iterator[_Job]:
    """One job per input file; files in a folder keep their relative layout under output_dir."""
    seen: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            pairs = [(source, source.relative_to(path).with_suffix(".xml")) for source in sorted(path.rglob("*.txt"))]
        else:
            pairs = [(path, Path(path.stem + ".xml"))]
        for source, relative in pairs:
            target = output_dir / relative
            if target in seen and seen[target] != source:
                raise click.UsageError(f"{source} and {seen[target]} would both be written to {target}")
            if target not in seen:
                seen[target] = source
                yield _Job(source, target, options, schema_prefix(target, output_dir))


def _run(jobs: list[_Job], workers: int) -> Iterator[_Outcome]:
    """Convert every job, in a process pool when asked, with a progress bar on a terminal."""
    show_bar = len(jobs) > 1 and sys.stderr.isatty()
    with click.progressbar(length=len(jobs), label="converting", file=sys.stderr) if show_bar else _NoBar() as bar:
        if workers == 1:
            outcomes: Iterable[_Outcome] = map(_convert_job, jobs)
            pool = None
        else:
            pool = ProcessPoolExecutor(max_workers=workers)
            outcomes = pool.map(_convert_job, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
        try:
            for outcome in outcomes:
                bar.update(1)
                yield outcome
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)


def _convert_job(job: _Job) -> _Outcome:
    from .convert import convert_file

    try:
        result = convert_file(job.source, job.options)
        point_to_schemas(result.tree, job.schema_prefix)
        write_atomic(job.target, serialize(result.tree))
    except OutputError as err:
        return _Outcome(job.source, str(err), (), cannot_write=True)
    except TeiError as err:
        return _Outcome(job.source, str(err), ())
    except Exception as err:  # a bug: report it against the file and let the batch go on
        return _Outcome(job.source, f"{job.source}:0: internal error ({type(err).__name__}: {err}); please report it", ())
    return _Outcome(job.source, None, result.warnings)


class _NoBar:
    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, steps: int) -> None:
        return None


# --------------------------------------------------------------------------- validate
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True, path_type=Path))
@click.option("--schema", "schema_names", multiple=True, metavar="NAME|PATH",
              help="Validate against exactly these (repeatable): tei_all, bha (the project's RelaxNG and "
                   "Schematron), cmif, or a RelaxNG (.rng, .rnc) or ISO Schematron (.sch) file. "
                   "Default: the schemas each file declares in <?xml-model?>, else tei_all.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: file:line:col: CODE message [schema]; json: one JSON object per file and line; "
                   "junit: JUnit XML, a testcase per file; sarif: SARIF 2.1.0 for code scanning.")
@click.option("--time-limit", type=click.FloatRange(min=0), default=TIME_LIMIT, show_default=True, metavar="SECONDS",
              help="Longest a file may take; past it, a VALIDATION_LIMIT finding (0: no limit).")
def validate(paths: tuple[Path, ...], schema_names: tuple[str, ...], output_format: str, time_limit: float) -> None:
    """Check TEI files, folders (their .xml and .tei files, recursive) or - (stdin) against their schemas."""
    try:
        schemas = schemas_for_option(schema_names) if schema_names else None
    except SchemaError as err:
        raise UsageIOError(str(err)) from err
    stdin = None
    if any(str(path) == "-" for path in paths):
        if sys.stdin is None:
            raise UsageIOError("cannot read '-': stdin is closed")
        stdin = sys.stdin.buffer
    if sys.stdout is None:
        raise UsageIOError("cannot write the report: stdout is closed")
    results = []
    for result in validate_paths(paths, schemas, stdin, time_limit):
        results.append(result)
        for warning in result.warnings:
            click.echo(f"warning: {printable(warning)}", err=True)
        if result.skipped:
            click.echo(f"warning: {printable(result.path)}: {printable(result.skipped)}", err=True)
        if output_format in LINE_FORMATS and (lines := render_file(result, output_format)):
            _write_data(lines + "\n")
    if not results:
        raise click.UsageError("no .xml or .tei files found in the given paths")
    if output_format not in LINE_FORMATS:
        _write_data(render(results, output_format) + "\n")
    checked = [result for result in results if not result.skipped]
    invalid = sum(not result.valid for result in checked)
    skipped = len(results) - len(checked)
    click.echo(f"{len(checked) - invalid} of {len(checked)} file(s) valid"
               + (f"; {skipped} skipped" if skipped else ""), err=True)
    if invalid:
        sys.exit(1)


def _write_data(text: str) -> None:
    """Write report data to stdout now, as UTF-8; a broken, full or closed stdout is one line and exit 2."""
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    except (OSError, ValueError) as err:  # BrokenPipeError, ENOSPC; ValueError: a closed file
        with contextlib.suppress(OSError, ValueError):  # the interpreter's last flush must not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise UsageIOError(f"cannot write the report to stdout: {getattr(err, 'strerror', None) or err}") from err


# --------------------------------------------------------------------------- reading TEI back
def _read_tei(path: Path) -> etree._ElementTree:
    """Parse a TEI file (or "-": stdin) safely; not well-formed → exit 1 (`file:line: CODE message`), unreadable → exit 2."""
    try:
        if str(path) == "-":
            return etree.fromstring(_stdin_bytes(), safe_parser()).getroottree()
        return etree.parse(str(path), safe_parser())
    except etree.XMLSyntaxError as err:
        entry = err.error_log.last_error if err.error_log else None
        code = entry.type_name if entry is not None else "XML_SYNTAX"
        raise click.ClickException(f"{path}:{err.lineno or 0}: {code} {(err.msg or str(err)).splitlines()[0]}") from err
    except OSError as err:
        raise UsageIOError(f"{path}: cannot read: {err.strerror or err}") from err


def _stdin_bytes() -> bytes:
    """All of stdin, for a "-" argument; a closed stdin is exit 2."""
    if sys.stdin is None:
        raise UsageIOError("cannot read '-': stdin is closed")
    try:
        return sys.stdin.buffer.read()
    except OSError as err:
        raise UsageIOError(f"cannot read stdin: {err.strerror or err}") from err


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--reading", type=click.Choice([r.value for r in Reading]), default=Reading.ORIGINAL.value,
              show_default=True, help="original: as printed (sic); corrected: with the proposed corrections (corr).")
def totext(path: Path, reading: str) -> None:
    """Print the body of a TEI file as plain text (blocks separated by a blank line)."""
    try:
        text = to_text(_read_tei(path), reading)
    except TeiError as err:
        raise click.ClickException(f"{path}:1: {err}") from err
    click.echo(text, nl=False)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="HTML file to write (- for stdout); default: PATH with the suffix .html (stdout for -).")
def preview(path: Path, output: Path | None) -> None:
    """Write a self-contained HTML reading view of a TEI file (no network needed to open it)."""
    data = render_html(_read_tei(path))
    output = output or (path if str(path) == "-" else path.with_suffix(".html"))
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    try:
        write_atomic(output, data)
    except OutputError as err:
        raise UsageIOError(str(err)) from err
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=Path("-"),
              show_default=True, help="CMIF file to write (- for stdout).")
@click.option("--url", help="URL the CMIF file will be published at (publicationStmt/idno); "
                            "default: the output's file name, which correspSearch cannot harvest.")
@click.option("--editor", default=f"tei {__version__} (automatic conversion)", show_default=True,
              help="Person or body responsible for the CMIF file (titleStmt/editor, publisher).")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="Title of the CMIF file.")
@click.option("--authorities", type=click.File("r", encoding="utf-8"),
              help="TSV file of name<TAB>authority URI (GND, VIAF, Wikidata …) for persName/orgName @ref.")
def cmif(paths: tuple[Path, ...], output: Path, url: str | None, editor: str, title: str, authorities) -> None:
    """Write a CMIF file (correspSearch) with one correspDesc per letter of the TEI files or folders."""
    try:
        mapping = read_authorities(authorities.read()) if authorities else {}
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--authorities") from err
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and not epoch.isdigit():
        raise click.UsageError("SOURCE_DATE_EPOCH must be an integer number of seconds")
    when = datetime.fromtimestamp(int(epoch) if epoch else time.time(), timezone.utc).date().isoformat()
    if url is None:
        url = "letters.xml" if str(output) == "-" else output.name
        click.echo(f"warning: no --url given; publicationStmt/idno is {url!r}, "
                   "but correspSearch needs the absolute URL the file is published at", err=True)
    sources, rejected = [], 0
    files = _xml_files(paths)
    for file in files:
        try:
            sources.append(Source(str(file), _read_tei(file)))
        except click.ClickException as err:
            if err.exit_code == 2:
                raise
            rejected += 1
            click.echo(err.format_message(), err=True)
    tree = build_cmif(sources, CmifOptions(url=url, date=when, editor=editor, title=title, authorities=mapping))
    data = serialize(tree)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            write_atomic(output, data)
        except OutputError as err:
            raise UsageIOError(str(err)) from err
    letters = sum(count_letters(source.tree) for source in sources)
    click.echo(f"{letters} letter(s) from {len(files)} file(s) written to {'stdout' if str(output) == '-' else output}"
               + (f"; {rejected} not well-formed" if rejected else ""), err=True)
    if rejected:
        sys.exit(1)


def _xml_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given (and -), folders as their .xml and .tei files (recursive, sorted); usage error when there are none."""
    files = list(files_to_check(paths))
    if not files:
        raise click.UsageError("no .xml or .tei files found in the given paths")
    return files


# --------------------------------------------------------------------------- ocr
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                                                  path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per suspect; json: one JSON object per file (JSON Lines).")
@_user_file_option
def ocr(paths: tuple[Path, ...], output_format: str, user_file: Path | None) -> None:
    """List suspected OCR errors in export files (.txt) with context, proposal and certainty, for review."""
    from .ocr import find_suspects

    pairs, terms = _load_user_file(user_file)
    found = rejected = 0
    for path in paths:
        try:
            document = parse_export(_stdin_bytes(), "-") if str(path) == "-" else read_export(path)
        except TeiError as err:
            click.echo(str(err), err=True)
            rejected += 1
            continue
        suspects = find_suspects(document.body, extra_confusions=pairs, protected=terms)
        found += len(suspects)
        if output_format == "json":
            report = report_json(str(path), document.body, document.body_line, suspects)
            click.echo(json.dumps(report, ensure_ascii=False))
        else:
            for line in report_lines(str(path), document.body, document.body_line, suspects):
                click.echo(line)
    click.echo(f"{found} suspected OCR error(s) in {len(paths) - rejected} file(s)"
               + (f"; {rejected} rejected" if rejected else ""), err=True)
    if rejected:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
