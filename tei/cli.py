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
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from lxml import etree

from . import __version__
from .cmif import DEFAULT_TITLE, CmifOptions, Source, build_cmif, count_letters, read_authorities
from .dates import build_time
from .errors import BatchError, ConfigError, DecisionError, OutputError, SchemaError, TeiError
from .ocr_report import report_json, report_lines
from .preview import render_html
from .reader import NOT_XML, parse_export
from .report import FORMATS, LINE_FORMATS, printable, render, render_file
from .schemas import schemas_for_option
from .totext import Reading, to_text
from .validate import TIME_LIMIT, files_to_check, safe_parser, validate_paths
from .write import serialize, write_atomic, write_schemas

if TYPE_CHECKING:
    from .convert import ConvertOptions, Result
    from .model import Document
# The converter and the OCR step (numpy, language model) are imported by the commands that use
# them, so that `tei validate` starts in a fraction of the time.

_HELP_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UsageIOError(click.ClickException):
    """An IO or schema problem: exit 2, like a usage error (click's FileError would exit 1)."""

    exit_code = 2


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that it cleans up as on Ctrl-C (finally blocks run)."""


def _stop(signum: int, frame: object) -> None:
    """The first Ctrl-C or SIGTERM stops the command where it is (finally blocks clean up); later
    ones are ignored, so that the clean-up runs to its end (a second Ctrl-C used to cut it short)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated()


class _Commands(click.Group):
    """The command group: Ctrl-C is one line and exit 130, SIGTERM the same clean-up and exit 143
    (128 + the signal), never a traceback or click's "Aborted!" with exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread:
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, Terminated) as stop:
            interrupted = isinstance(stop, KeyboardInterrupt)
            click.echo(f"{'interrupted (Ctrl-C)' if interrupted else 'terminated (SIGTERM)'}: stopped; "
                       "no partial file left", err=True)
            ctx.exit(130 if interrupted else 128 + signal.SIGTERM)


@click.group(cls=_Commands, context_settings=_HELP_SETTINGS)
@click.version_option(__version__, prog_name="tei")
def main() -> None:
    """Turn banned-historical-archives text exports into TEI P5 XML, and check TEI files.

    \b
    Examples:
      tei convert letter.txt -o letter.xml
      tei validate letter.xml
      tei COMMAND --help                       options and examples of a command

    Without -o a command writes stdout; converting a folder or several files needs -o DIR.
    Exit codes: 0 ok, 1 findings or a rejected input (the rest still done), 2 usage or IO,
    130 Ctrl-C.
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
    if sys.stdout is None:
        raise UsageIOError("cannot write to stdout: it is closed")
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


def _decisions_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add --decisions and --learn to a command, which receives the decisions read as `decisions`
    (a file that cannot be read is a usage error, exit 2) and `learn`."""

    @click.option("--decisions", "decision_paths", multiple=True, metavar="PATH",
                  type=click.Path(exists=True, path_type=Path),
                  help="Review decisions to apply: a TSV file (tei ocr --format tsv, filled in; a review page's "
                       "download; tei harvest's output) or a folder of them; repeatable, later ones win.")
    @click.option("--learn", is_flag=True,
                  help="Also fold the decisions into the OCR step for every document: pairs people confirmed "
                       "count as seen confusions, pairs they turned down score lower.")
    @functools.wraps(command)
    def with_decisions(*args, decision_paths: tuple[Path, ...], learn: bool, **kwargs) -> None:
        from .decisions import read_decisions

        try:
            decisions = read_decisions(decision_paths)
        except DecisionError as err:
            raise click.BadParameter(str(err), param_hint="--decisions") from err
        if learn and not decisions:
            raise click.UsageError("--learn learns from review decisions: give them with --decisions")
        command(*args, decisions=decisions, learn=learn, **kwargs)

    return with_decisions


def _options(ocr: bool = True, timestamp: bool = False, user_file: Path | None = None, decisions=(),
             learn: bool = False) -> ConvertOptions:
    """The ConvertOptions of the command line's options."""
    from .convert import ConvertOptions, learn_from

    pairs, terms = _load_user_file(user_file)
    options = ConvertOptions(ocr=ocr, timestamp=timestamp, extra_confusions=tuple(pairs), protected=tuple(terms),
                             decisions=tuple(decisions))
    return learn_from(options, decisions) if learn else options


def _load_user_file(path: Path | None) -> tuple[list[tuple[str, str, int]], list[str]]:
    if path is None:
        return [], []
    from .ocr import load_user_file

    _regular_file(path, "--user-file")
    try:
        return load_user_file(path)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--user-file") from err
    except OSError as err:
        raise click.BadParameter(f"{path}: cannot read: {err.strerror or err}", param_hint="--user-file") from err


def _regular_file(path: Path, option: str) -> None:
    """A usage error unless `path` is a regular file (a FIFO would block, a device never end)."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as err:
        raise click.BadParameter(f"{path}: cannot read: {err.strerror or err}", param_hint=option) from err
    if not regular:
        raise click.BadParameter(f"{path}: not a regular file", param_hint=option)


def _read_user_text(path: Path, option: str) -> str:
    """The text of a file the user gives with `option`: UTF-8, a byte-order mark ignored."""
    _regular_file(path, option)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise click.BadParameter(f"{path}: cannot read: {err.strerror or err}", param_hint=option) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise click.BadParameter(f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x}); save it as UTF-8",
                                 param_hint=option) from err


def _xml_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An option value that goes into XML as it is: characters XML 1.0 cannot carry are a usage error."""
    if value is not None and (bad := NOT_XML.search(value)):
        raise click.BadParameter(f"{value[:40]!r} holds U+{ord(bad.group()):04X}, which XML 1.0 cannot carry")
    return value


@main.command(short_help="Convert exports (.txt) or the archive's JSON to TEI files.")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, readable=False, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(allow_dash=True, path_type=Path),
              help="FILE.xml for one input; else the folder for the TEI files (DIR/<stem>.xml, folders keep "
                   "their layout). Default: stdout, for one file or -.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Files converted in parallel (processes; at most the cores and the files).")
@click.option("--no-ocr", is_flag=True, help="Do not mark suspected OCR errors.")
@click.option("--timestamp", is_flag=True,
              help="Record the conversion time in the header (SOURCE_DATE_EPOCH when set); off by default so output is reproducible.")
@click.option("--force", is_flag=True,
              help="Overwrite outputs edited since tei convert wrote them (kept by default, unless the review "
                   "decisions carry every edit: tei harvest), and redo those up to date.")
@_user_file_option
@_decisions_options
@_messages
def convert(paths: tuple[Path, ...], output: Path | None, jobs: int, no_ocr: bool, timestamp: bool, force: bool,
            user_file: Path | None, decisions, learn: bool, say: _Say) -> None:
    """Convert export files (.txt), articles of the archive's JSON (<id>.json, with <id>.tags
    and the book's <book>.metadata found where a checkout of its `parsed` branch has them),
    folders of either (recursive) or - (stdin, an export) to TEI P5.

    \b
    Examples:
      tei convert letter.txt -o letter.xml     one file
      tei convert exports/ -o tei/ -j 2        a folder (its layout kept), 2 processes
      tei convert parsed/ -o tei/ -j 2         a checkout of the archive's parsed branch
      cat letter.txt | tei convert - > letter.xml
      tei convert exports/ -o tei/ --decisions decisions/    with the review decisions applied
    """
    if timestamp:
        try:
            build_time()
        except ConfigError as err:
            raise click.BadParameter(str(err), param_hint="--timestamp") from err
    from .convert import convert_bytes, convert_file

    options = _options(not no_ocr, timestamp, user_file, decisions, learn)
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
        _convert_batch(paths, output, options, jobs, force, say)


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


def _convert_batch(paths: tuple[Path, ...], output: Path, options: ConvertOptions, workers: int, force: bool,
                   say: _Say) -> None:
    """Convert files into `output` (see batch.plan), skipping what is up to date and keeping what was
    edited; each message once; exit 1 on rejected inputs, 2 when a file cannot be written."""
    from .batch import Status, convert_paths

    try:
        batch = convert_paths(paths, output, options, workers, force)
    except BatchError as err:
        raise click.UsageError(str(err)) from err
    if batch.workers < workers:
        say.detail(f"{batch.workers} worker process(es): as many as the cores and the files allow")
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
            elif outcome.status is Status.WRITTEN:
                say.detail(f"wrote {outcome.job.target}")
            else:
                say.detail(f"{outcome.job.target}: {outcome.status.value}")
    for note in batch.notes:
        say.warning(note)
    if batch.root is not None and Status.WRITTEN in statuses:
        try:  # the schemas the outputs' xml-model instructions point to, once, at the output root
            write_schemas(batch.root)
        except OutputError as err:
            raise UsageIOError(str(err)) from err
    count = statuses.count
    failed = count(Status.REJECTED) + count(Status.UNWRITABLE) + count(Status.FAILED)
    say.info(f"converted {count(Status.WRITTEN)} of {len(statuses)} file(s) to {output} "
             f"in {time.perf_counter() - started:.1f} s"
             + (f"; {count(Status.UP_TO_DATE)} up to date" if count(Status.UP_TO_DATE) else "")
             + (f"; {count(Status.KEPT)} kept (edited since written; --force overwrites them)"
                if count(Status.KEPT) else "")
             + (f"; {count(Status.SKIPPED)} skipped (not regular files)" if count(Status.SKIPPED) else "")
             + (f"; {failed} rejected" if failed else ""))
    if failed:
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
    _write_stdout(text.encode("utf-8"))
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
    try:
        page = render_html(_read_tei(path))
    except TeiError as err:
        raise click.ClickException(f"{path}:1: {err}") from err
    _write_output(page, output, say)


@main.command(short_help="Write a page to review the suspected OCR errors of an export.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="HTML file to write. Default: stdout.")
@click.option("--reviewer", default="", help="Your name, filled in on the page (each decision is someone's).")
@_user_file_option
@_decisions_options
@_messages
def review(path: Path, output: Path | None, reviewer: str, user_file: Path | None, decisions, learn: bool,
           say: _Say) -> None:
    """Write a self-contained HTML page to review the suspected OCR errors of an export file (.txt):
    accept, reject or edit each with the keyboard, add missed ones by selecting text, and save the
    decisions as a file for `tei convert --decisions` (a download: no server, no network).
    Decisions given with --decisions show as reviewed.

    \b
    Keys: j/k next/previous · a accept · r reject · e edit · + add the selected text · u undo · s save
    Examples:
      tei review letter.txt -o letter-review.html --reviewer "Jane Doe"
      tei convert letter.txt -o letter.xml --decisions ~/Downloads/decisions-<id>-<time>.tsv
    """
    from .convert import convert_bytes, convert_file
    from .review import render_review

    options = _options(True, False, user_file, decisions, learn)
    try:
        result = convert_bytes(_stdin_bytes(), "<stdin>", options) if str(path) == "-" else convert_file(path, options)
    except TeiError as err:
        say.error(str(err))
        sys.exit(1)
    for warning in result.warnings:
        say.warning(warning)
    _write_output(render_review(result.tree, result.conversion.document, reviewer), output, say)


@main.command(short_help="Write the letters of TEI files as CMIF (correspSearch).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="CMIF file to write. Default: stdout.")
@click.option("--url", callback=_xml_text, help="URL the CMIF file will be published at (publicationStmt/idno); "
                                                "default: the output's file name, which correspSearch cannot harvest.")
@click.option("--editor", default=f"tei {__version__} (automatic conversion)", show_default=True, callback=_xml_text,
              help="Person or body responsible for the CMIF file (titleStmt/editor, publisher).")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, callback=_xml_text, help="Title of the CMIF file.")
@click.option("--authorities", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TSV file (UTF-8) of name<TAB>authority URI (GND, VIAF, Wikidata …) for persName/orgName @ref.")
@_messages
def cmif(paths: tuple[Path, ...], output: Path | None, url: str | None, editor: str, title: str,
         authorities: Path | None, say: _Say) -> None:
    """Write a CMIF file (correspSearch) with one correspDesc per letter of the TEI files or folders.

    \b
    Examples:
      tei cmif tei/ --url https://example.org/letters.xml -o letters.xml
      SOURCE_DATE_EPOCH=0 tei cmif tei/ --url https://example.org/letters.xml > letters.xml
    """
    try:
        mapping = read_authorities(_read_user_text(authorities, "--authorities")) if authorities else {}
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


# --------------------------------------------------------------------------- review decisions
@main.command(short_help="Turn hand edits of TEI files' readings into review decisions.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--exports", "export_paths", multiple=True, required=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="The export files (.txt) or folders the TEI files were converted from, matched by article id; "
                   "repeatable.")
@click.option("--reviewer", default="", help="Who made the edits that name no one: readings removed, and readings "
                                             "changed or added with @resp left at #tei-ocr.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Decisions file (TSV) to write. Default: stdout.")
@click.option("--no-ocr", is_flag=True, help="The files were converted with --no-ocr.")
@_user_file_option
@_decisions_options
@_messages
def harvest(paths: tuple[Path, ...], export_paths: tuple[Path, ...], reviewer: str, output: Path | None, no_ocr: bool,
            user_file: Path | None, decisions, learn: bool, say: _Say) -> None:
    """Compare hand-edited TEI files (or folders of them) with what `tei convert` writes for their
    exports, and write each change of a reading as a review decision: a <choice> removed is a
    reject, a <corr> changed an edit, a <choice> added an add, a reading pointed to a person's
    respStmt an accept. Give the options the files were converted with.

    \b
    Examples:
      tei harvest tei/letter.xml --exports exports/ --reviewer "Jane Doe" -o decisions/jane.tsv
      tei convert exports/ -o tei/ --decisions decisions/       edited files written over: the decisions carry their edits
    """
    from .decisions import render
    from .harvest import article_id
    from .harvest import harvest as harvest_file

    options = _options(not no_ocr, False, user_file, decisions, learn)
    exports = _exports_by_id(export_paths, say)
    found, rejected = [], 0
    files = _xml_files(paths)
    for file in files:
        try:
            tree = _read_tei(file)
            document = exports.get(article_id(tree))
            if document is None:
                raise TeiError(f"{file}:0: no export with its article id {article_id(tree)!r} among --exports")
            result = harvest_file(tree, str(file), document, options, reviewer)
        except click.ClickException as err:
            if err.exit_code == 2:
                raise
            say.error(err.format_message())
            rejected += 1
            continue
        except TeiError as err:
            say.error(str(err))
            rejected += 1
            continue
        for warning in result.warnings:
            say.warning(warning)
        found.extend(result.decisions)
        say.detail(f"{file}: {len(result.decisions)} decision(s)")
    if rejected:  # a decisions file with some files' edits missing would pass for the whole harvest
        say.info(f"{len(found)} decision(s) from {len(files) - rejected} file(s); {rejected} rejected; "
                 "nothing written")
        sys.exit(1)
    _write_output(render(found).encode("utf-8"), output, _Say(-1))
    say.info(f"{len(found)} decision(s) from {len(files)} file(s)"
             + (f" written to {output}" if output and str(output) != "-" else ""))


def _exports_by_id(paths: Iterable[Path], say: _Say) -> dict[str, Document]:
    """The export files of `paths` (files, folders' .txt files) by article id; unreadable ones are warned about."""
    exports = {}
    from .convert import read_document

    for path in _export_files(paths):
        try:
            document = read_document(path)
        except TeiError as err:
            say.warning(str(err))
            continue
        exports.setdefault(document.header.article_id, document)
    return exports


# --------------------------------------------------------------------------- ocr
@main.command(short_help="List suspected OCR errors of export files, for review.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, readable=False, allow_dash=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "tsv"]), default="text",
              show_default=True,
              help="text: one line per suspect; json: one JSON object per file (JSON Lines); tsv: the review "
                   "sheet, a row per suspect with empty decision, reading and reviewer columns: filled in, "
                   "it is a decisions file (tei convert --decisions).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Files read in parallel (processes).")
@_user_file_option
@_messages
def ocr(paths: tuple[Path, ...], output_format: str, jobs: int, user_file: Path | None, say: _Say) -> None:
    """List suspected OCR errors in export files (.txt), folders of them (recursive) or - (stdin),
    with context, proposal and certainty, for review.

    \b
    Examples:
      tei ocr letter.txt | head
      tei ocr --format json --user-file mine.txt letter.txt
      tei ocr exports/ --format tsv -j 2 > review.tsv     a sheet to fill in, then:
      tei convert exports/ -o tei/ --decisions review.tsv
    """
    from .decisions import render_rows
    from .ocr_report import sheet_rows

    pairs, terms = _load_user_file(user_file)
    files = _export_files(paths)
    found = rejected = 0
    if output_format == "tsv":
        _write_stdout(render_rows(()).encode("utf-8"))
    with say.progress(len(files), "finding OCR errors") as advance:
        for path, outcome in _find_suspects(files, pairs, terms, jobs):
            advance()
            if isinstance(outcome, str):
                say.error(outcome)
                rejected += 1
                continue
            document, suspects = outcome
            found += len(suspects)
            if output_format == "json":
                report = report_json(str(path), document.body, document.body_line, suspects)
                out = json.dumps(report, ensure_ascii=False) + "\n"
            elif output_format == "tsv":
                out = render_rows(sheet_rows(document.header.article_id, document.body, suspects), header=False)
            else:
                out = "".join(line + "\n" for line in report_lines(str(path), document.body, document.body_line,
                                                                    suspects))
            _write_stdout(out.encode("utf-8"))
            say.detail(f"{path}: {len(suspects)} suspected OCR error(s)")
    say.info(f"{found} suspected OCR error(s) in {len(files) - rejected} file(s)"
             + (f"; {rejected} rejected" if rejected else ""))
    if rejected:
        sys.exit(1)


def _export_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given (and -), folders as their export files and the archive's articles (recursive,
    sorted: batch.input_files); usage error when there are none."""
    from .batch import input_files

    files = [file for path in paths for file in ([path] if str(path) == "-" else input_files(path))]
    if not files:
        raise click.UsageError("no .txt files or articles of the archive (<id[:3]>/<id>.json) found in the given paths")
    return files


def _find_suspects(files: list[Path], pairs, terms, jobs: int) -> Iterator[tuple[Path, object]]:
    """(file, (document, suspects) or the error message) for each file, in order; in `jobs`
    processes when there are several files."""
    from concurrent.futures import ProcessPoolExecutor

    from .ocr import load_data

    find = functools.partial(_suspects_of, pairs=tuple(pairs), terms=tuple(terms))
    if jobs == 1 or len(files) < 2 or any(str(path) == "-" for path in files):
        yield from zip(files, map(find, files))
        return
    with ProcessPoolExecutor(min(jobs, len(files)), initializer=load_data) as pool:
        yield from zip(files, pool.map(find, files))


def _suspects_of(path: Path, pairs, terms) -> object:
    """(document, suspects) of one export file (or - for stdin), or the message why it cannot be read."""
    from .convert import read_document
    from .ocr import find_suspects

    try:
        document = parse_export(_stdin_bytes(), "-") if str(path) == "-" else read_document(path)
    except TeiError as err:
        return str(err)
    return document, find_suspects(document.body, extra_confusions=pairs, protected=terms)


if __name__ == "__main__":  # pragma: no cover
    main()
