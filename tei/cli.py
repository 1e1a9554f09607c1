"""The `tei` command: a thin shell over the library that maps errors to exit codes.

Exit codes: 0 ok; 1 rejected input or invalid TEI (the rest of a batch still done);
2 usage, IO, or a schema that cannot be loaded. Data goes to stdout, messages to stderr, one
line each: errors always, warnings and summaries unless --quiet, a line per file with --verbose.

Where output goes, the same for every command: `-o FILE` writes that file, `-o -` or no `-o`
writes stdout; converting a folder or several files gives one TEI file each, so it needs a
folder, `-o DIR`.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from lxml import etree

from . import __version__
from .cmif import DEFAULT_TITLE, CmifOptions, Source, build_cmif, count_letters, read_authorities
from .dates import build_time
from .errors import BatchError, ConfigError, OutputError, SchemaError, TeiError
from .ocr_report import report_json, report_lines
from .preview import render_html
from .reader import parse_export, read_export
from .report import FORMATS, LINE_FORMATS, printable, render, render_file
from .schemas import schemas_for_option
from .totext import Reading, to_text
from .validate import TIME_LIMIT, files_to_check, safe_parser, validate_paths
from .write import serialize, write_atomic, write_schemas

if TYPE_CHECKING:
    from .convert import ConvertOptions, Result
# The converter and the OCR step (numpy, language model) are imported by the commands that use
# them, so that `tei validate` starts in a fraction of the time.

_HELP_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UsageIOError(click.ClickException):
    """An IO or schema problem: exit 2, like a usage error (click's FileError would exit 1)."""

    exit_code = 2


@click.group(context_settings=_HELP_SETTINGS)
@click.version_option(__version__, prog_name="tei")
def main() -> None:
    """Turn banned-historical-archives text exports into TEI P5 XML, and check TEI files.

    \b
    Examples:
      tei convert letter.txt -o letter.xml
      tei validate letter.xml
      tei COMMAND --help                       options and examples of a command

    Without -o a command writes stdout; converting a folder or several files needs -o DIR.
    Exit codes: 0 ok, 1 findings or a rejected input (the rest still done), 2 usage or IO.
    """


# --------------------------------------------------------------------------- messages
class _Say:
    """Messages on stderr, one line each: errors always; warnings and summaries unless quiet;
    details (a line per file) when verbose. Held messages wait until a progress bar is gone."""

    def __init__(self, level: int):
        self.level = level
        self._held: list[str] | None = None

    def error(self, message: str) -> None:
        self._emit(message)

    def warning(self, message: str) -> None:
        if self.level >= 0:
            self._emit(f"warning: {message}")

    def info(self, message: str) -> None:
        if self.level >= 0:
            self._emit(message)

    def detail(self, message: str) -> None:
        if self.level > 0:
            self._emit(message)

    @contextlib.contextmanager
    def progress(self, length: int, label: str) -> Iterator[Callable[[], None]]:
        """A progress bar on a terminal (unless quiet); messages meanwhile are printed after it.
        Yields the function that advances the bar by one."""
        if length < 2 or self.level < 0 or not sys.stderr.isatty():
            yield lambda: None
            return
        self._held = []
        try:
            with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
                yield functools.partial(bar.update, 1)
        finally:
            held, self._held = self._held, None
            for message in held:
                self._emit(message)

    def _emit(self, message: str) -> None:
        if self._held is not None:
            self._held.append(message)
        else:
            click.echo(message, err=True)


def _messages(command: Callable[..., None]) -> Callable[..., None]:
    """Add -q/--quiet and -v/--verbose to a command, which receives them as `say`."""

    @click.option("-v", "--verbose", is_flag=True, help="Also a line for each file.")
    @click.option("-q", "--quiet", is_flag=True, help="Errors only: no warnings, summary or progress bar.")
    @functools.wraps(command)
    def with_messages(*args, quiet: bool, verbose: bool, **kwargs) -> None:
        if quiet and verbose:
            raise click.UsageError("--quiet and --verbose exclude each other")
        command(*args, say=_Say(-1 if quiet else 1 if verbose else 0), **kwargs)

    return with_messages


def _write_output(data: bytes, output: Path | None, say: _Say) -> None:
    """`data` to the file `output`, atomically (IO errors exit 2), or to stdout when it is None or -."""
    if output is None or str(output) == "-":
        _write_stdout(data)
        return
    try:
        write_atomic(output, data)
    except OutputError as err:
        raise UsageIOError(str(err)) from err
    say.info(f"wrote {output}")


def _write_stdout(data: bytes) -> None:
    """Write data to stdout now; a broken, full or closed stdout is one line and exit 2."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as err:  # EPIPE, ENOSPC; a closed or missing stdout
        with contextlib.suppress(OSError, ValueError, AttributeError):  # the interpreter's last flush must not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise UsageIOError(f"cannot write to stdout: {getattr(err, 'strerror', None) or err}") from err


def _stdin_bytes() -> bytes:
    """All of stdin, for a "-" argument; a closed stdin is exit 2."""
    if sys.stdin is None:
        raise UsageIOError("cannot read '-': stdin is closed")
    try:
        return sys.stdin.buffer.read()
    except OSError as err:
        raise UsageIOError(f"cannot read stdin: {err.strerror or err}") from err


# --------------------------------------------------------------------------- convert
_user_file_option = click.option(
    "--user-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your OCR knowledge (UTF-8): `wrong<TAB>right[<TAB>count]` lines add confusion pairs, "
         "any other line is a term never flagged; # starts a comment.")


def _load_user_file(path: Path | None) -> tuple[list[tuple[str, str, int]], list[str]]:
    if path is None:
        return [], []
    from .ocr import load_user_file

    try:
        return load_user_file(path)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--user-file") from err


@main.command(short_help="Convert export files (.txt) or the archive's JSON (.json) to TEI, one file each.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(allow_dash=True, path_type=Path),
              help="FILE.xml for one input; else the folder for the TEI files (DIR/<stem>.xml, folders keep "
                   "their layout). Default: stdout, for one file or -.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Files converted in parallel (processes).")
@click.option("--no-ocr", is_flag=True, help="Do not mark suspected OCR errors.")
@click.option("--timestamp", is_flag=True,
              help="Record the conversion time in the header (SOURCE_DATE_EPOCH when set); off by default so output is reproducible.")
@_user_file_option
@_messages
def convert(paths: tuple[Path, ...], output: Path | None, jobs: int, no_ocr: bool, timestamp: bool,
            user_file: Path | None, say: _Say) -> None:
    """Convert export files (.txt), articles of the archive's JSON (<id>.json, with <id>.tags
    and the book's <book>.metadata found where a checkout of its `parsed` branch has them),
    folders of either (recursive) or - (stdin, an export) to TEI P5.

    \b
    Examples:
      tei convert letter.txt -o letter.xml     one file
      tei convert exports/ -o tei/ -j 2        a folder (its layout kept), 2 processes
      tei convert parsed/ -o tei/ -j 2         a checkout of the archive's parsed branch
      cat letter.txt | tei convert - > letter.xml
    """
    if timestamp:
        try:
            build_time()
        except ConfigError as err:
            raise click.BadParameter(str(err), param_hint="--timestamp") from err
    from .convert import ConvertOptions, convert_bytes, convert_file

    pairs, terms = _load_user_file(user_file)
    options = ConvertOptions(ocr=not no_ocr, timestamp=timestamp, extra_confusions=tuple(pairs), protected=tuple(terms))
    if any(str(path) == "-" for path in paths):
        if len(paths) > 1:
            raise click.UsageError("'-' (stdin) cannot be combined with other paths")
        _convert_one(lambda: convert_bytes(_stdin_bytes(), "<stdin>", options), output, say)
    elif output is None or str(output) == "-":
        if len(paths) > 1 or paths[0].is_dir():
            raise click.UsageError("a folder or several files give one TEI file each: "
                                   "name a folder for them with -o, e.g. -o tei/")
        _convert_one(lambda: convert_file(paths[0], options), output, say)
    else:
        _convert_batch(paths, output, options, jobs, say)


def _convert_one(convert_one: Callable[[], Result], output: Path | None, say: _Say) -> None:
    """Convert one document to stdout or a file: a rejected input exits 1, an IO error 2."""
    try:
        result = convert_one()
    except TeiError as err:
        say.error(str(err))
        sys.exit(1)
    for warning in result.warnings:
        say.warning(warning)
    _write_output(serialize(result.tree), output, say)


def _convert_batch(paths: tuple[Path, ...], output: Path, options: ConvertOptions, workers: int, say: _Say) -> None:
    """Convert files into `output` (see batch.plan); each message once; exit 1 on rejected inputs,
    2 when a file cannot be written."""
    from .batch import Status, convert_paths

    try:
        batch = convert_paths(paths, output, options, workers)
    except BatchError as err:
        raise click.UsageError(str(err)) from err
    started = time.perf_counter()
    statuses = []
    with say.progress(len(batch), "converting") as advance:
        for outcome in batch:
            advance()
            statuses.append(outcome.status)
            for warning in outcome.warnings:
                say.warning(warning)
            if outcome.error:
                say.error(outcome.error)
            else:
                say.detail(f"wrote {outcome.job.target}")
    rejected = len(statuses) - statuses.count(Status.WRITTEN)
    if batch.root is not None and Status.WRITTEN in statuses:
        try:  # the schemas the outputs' xml-model instructions point to, once, at the output root
            write_schemas(batch.root)
        except OutputError as err:
            raise UsageIOError(str(err)) from err
    say.info(f"converted {len(statuses) - rejected} of {len(statuses)} file(s) to {output} "
             f"in {time.perf_counter() - started:.1f} s" + (f"; {rejected} rejected" if rejected else ""))
    if rejected:
        sys.exit(2 if Status.UNWRITABLE in statuses else 1)


# --------------------------------------------------------------------------- validate
@main.command(short_help="Check TEI files against their declared schemas or tei_all.")
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
@_messages
def validate(paths: tuple[Path, ...], schema_names: tuple[str, ...], output_format: str, time_limit: float,
             say: _Say) -> None:
    """Check TEI files, folders (their .xml and .tei files, recursive) or - (stdin) against their schemas.

    \b
    Examples:
      tei validate tei/                        every .xml and .tei below tei/
      tei validate --schema tei_all letter.xml
      tei validate --format sarif . > tei.sarif
    """
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
            say.warning(printable(warning))
        if result.skipped:
            say.warning(f"{printable(result.path)}: {printable(result.skipped)}")
        if output_format in LINE_FORMATS and (lines := render_file(result, output_format)):
            _write_stdout((lines + "\n").encode("utf-8"))
        say.detail(f"{printable(result.path)}: {'skipped' if result.skipped else 'valid' if result.valid else 'invalid'}")
    if not results:
        raise click.UsageError("no .xml or .tei files found in the given paths")
    if output_format not in LINE_FORMATS:
        _write_stdout((render(results, output_format) + "\n").encode("utf-8"))
    checked = [result for result in results if not result.skipped]
    invalid = sum(not result.valid for result in checked)
    skipped = len(results) - len(checked)
    say.info(f"{len(checked) - invalid} of {len(checked)} file(s) valid" + (f"; {skipped} skipped" if skipped else ""))
    if invalid:
        sys.exit(1)


# --------------------------------------------------------------------------- reading TEI back
def _read_tei(path: Path) -> etree._ElementTree:
    """Parse a TEI file (or "-": stdin) safely; not well-formed → exit 1 (`file:line: CODE message`),
    unreadable → exit 2."""
    try:
        if str(path) == "-":
            return etree.fromstring(_stdin_bytes(), safe_parser()).getroottree()
        return etree.parse(str(path), safe_parser())
    except etree.XMLSyntaxError as err:
        if str(path) != "-" and _is_export(path):
            raise click.ClickException(f"{path}:1: an export text file, not TEI; convert it first: "
                                       f"tei convert {path} -o {path.with_suffix('.xml').name}") from err
        entry = err.error_log.last_error if err.error_log else None
        code = entry.type_name if entry is not None else "XML_SYNTAX"
        raise click.ClickException(f"{path}:{err.lineno or 0}: {code} {(err.msg or str(err)).splitlines()[0]}") from err
    except OSError as err:
        raise UsageIOError(f"{path}: cannot read: {err.strerror or err}") from err


def _is_export(path: Path) -> bool:
    """Whether the file starts like a text export (`id: …`), for a hint instead of an XML error."""
    try:
        with open(path, "rb") as file:
            start = file.read(64)
    except OSError:
        return False
    return start.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"id:")


@main.command(short_help="Print the body of a TEI file as plain text.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--reading", type=click.Choice([r.value for r in Reading]), default=Reading.ORIGINAL.value,
              show_default=True, help="original: as printed (sic); corrected: with the proposed corrections (corr).")
@_messages
def totext(path: Path, reading: str, say: _Say) -> None:
    """Print the body of a TEI file as plain text (blocks separated by a blank line).

    \b
    Examples:
      tei totext letter.xml
      tei totext --reading corrected letter.xml > letter-corrected.txt
    """
    try:
        text = to_text(_read_tei(path), reading)
    except TeiError as err:
        raise click.ClickException(f"{path}:1: {err}") from err
    click.echo(text, nl=False)
    say.detail(f"{path}: {len(text)} characters, {reading} reading")


@main.command(short_help="Write a self-contained HTML page to read a TEI file.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="HTML file to write. Default: stdout.")
@_messages
def preview(path: Path, output: Path | None, say: _Say) -> None:
    """Write a self-contained HTML reading view of a TEI file (no network needed to open it).

    \b
    Examples:
      tei preview letter.xml -o letter.html
      tei preview letter.xml > letter.html
    """
    _write_output(render_html(_read_tei(path)), output, say)


@main.command(short_help="Write the letters of TEI files as CMIF (correspSearch).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="CMIF file to write. Default: stdout.")
@click.option("--url", help="URL the CMIF file will be published at (publicationStmt/idno); "
                            "default: the output's file name, which correspSearch cannot harvest.")
@click.option("--editor", default=f"tei {__version__} (automatic conversion)", show_default=True,
              help="Person or body responsible for the CMIF file (titleStmt/editor, publisher).")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="Title of the CMIF file.")
@click.option("--authorities", type=click.File("r", encoding="utf-8"),
              help="TSV file of name<TAB>authority URI (GND, VIAF, Wikidata …) for persName/orgName @ref.")
@_messages
def cmif(paths: tuple[Path, ...], output: Path | None, url: str | None, editor: str, title: str, authorities,
         say: _Say) -> None:
    """Write a CMIF file (correspSearch) with one correspDesc per letter of the TEI files or folders.

    \b
    Examples:
      tei cmif tei/ --url https://example.org/letters.xml -o letters.xml
      SOURCE_DATE_EPOCH=0 tei cmif tei/ --url https://example.org/letters.xml > letters.xml
    """
    try:
        mapping = read_authorities(authorities.read()) if authorities else {}
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--authorities") from err
    try:
        when = build_time().date().isoformat()
    except ConfigError as err:
        raise click.UsageError(str(err)) from err
    to_stdout = output is None or str(output) == "-"
    if url is None:
        url = "letters.xml" if to_stdout else output.name
        say.warning(f"no --url given; publicationStmt/idno is {url!r}, "
                    "but correspSearch needs the absolute URL the file is published at")
    sources, rejected = [], 0
    files = _xml_files(paths)
    for file in files:
        try:
            sources.append(Source(str(file), _read_tei(file)))
        except click.ClickException as err:
            if err.exit_code == 2:
                raise
            rejected += 1
            say.error(err.format_message())
    tree = build_cmif(sources, CmifOptions(url=url, date=when, editor=editor, title=title, authorities=mapping))
    _write_output(serialize(tree), None if to_stdout else output, _Say(-1))
    letters = sum(count_letters(source.tree) for source in sources)
    say.info(f"{letters} letter(s) from {len(files)} file(s) written to {'stdout' if to_stdout else output}"
             + (f"; {rejected} not well-formed" if rejected else ""))
    if rejected:
        sys.exit(1)


def _xml_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given (and -), folders as their .xml and .tei files (recursive, sorted); usage error when there are none."""
    files = list(files_to_check(paths))
    if not files:
        raise click.UsageError("no .xml or .tei files found in the given paths")
    return files


# --------------------------------------------------------------------------- ocr
@main.command(short_help="List suspected OCR errors of export files, for review.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                                                  path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per suspect; json: one JSON object per file (JSON Lines).")
@_user_file_option
@_messages
def ocr(paths: tuple[Path, ...], output_format: str, user_file: Path | None, say: _Say) -> None:
    """List suspected OCR errors in export files (.txt) with context, proposal and certainty, for review.

    \b
    Examples:
      tei ocr letter.txt | head
      tei ocr --format json --user-file mine.txt letter.txt
    """
    from .ocr import find_suspects

    pairs, terms = _load_user_file(user_file)
    found = rejected = 0
    for path in paths:
        try:
            document = parse_export(_stdin_bytes(), "-") if str(path) == "-" else read_export(path)
        except TeiError as err:
            say.error(str(err))
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
        say.detail(f"{path}: {len(suspects)} suspected OCR error(s)")
    say.info(f"{found} suspected OCR error(s) in {len(paths) - rejected} file(s)"
             + (f"; {rejected} rejected" if rejected else ""))
    if rejected:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
