"""Run-wide fixtures: paths, the safe parser, compiled schemas and the converted dev corpus.

The corpus tests (marked `corpus`: every test that uses the `corpus` fixture) run on the trimmed
dev set in tests/data/corpus, so the suite is complete on a fresh clone; `--corpus=DIR` runs them
on another corpus folder of the same layout, e.g. `python -m pytest -m corpus
--corpus=../shared/corpus` for the full dev corpus (what .ci/run does when ../shared is beside the
clone). Give it with `=`: pytest takes a separate `../shared/corpus` for a test path.
"""
from __future__ import annotations

import contextlib
import csv
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from hypothesis import settings
from lxml import etree, isoschematron

from tei import ConvertOptions, convert_file, serialize
from tei.cli import main
from tei.validate import safe_parser
from tei.vocab import NS
from tei_all_process import TeiAll

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
DEV_SET = TESTS / "data" / "corpus"
"""The trimmed dev set (its README says where each document comes from and why it is there)."""
SEED = ROOT / "seeds" / "000_40c4c9e224be5acb.txt"
INPUTS = TESTS / "inputs"
SCHEMAS = ROOT / "schemas"
PROJECT_RNG = SCHEMAS / "tei_bha.rng"
PROJECT_SCH = SCHEMAS / "tei_bha.sch"
TEI_ALL_RNG = SCHEMAS / "tei_all.rng"
SHARED = ROOT.parent / "shared"
"""../shared beside the clone: read only by the `shared` group and by --corpus=../shared/corpus."""


# Property tests (hypothesis; `-m hypothesis` selects them): 100 examples each in the suite, ten times
# as many with HYPOTHESIS_PROFILE=thorough, which .ci/run adds. No deadline: a loaded machine is slow.
settings.register_profile("suite", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--corpus", type=Path, metavar="DIR",
                     help="run the corpus tests on DIR (the dev corpus layout: *.txt, manifest.tsv, "
                          "ocr_gold.jsonl, ocr_ref/, seg_gold/), e.g. ../shared/corpus, instead of the "
                          "trimmed dev set tests/data/corpus; select them with -m corpus")


def pytest_itemcollected(item: pytest.Item) -> None:
    if "corpus" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.corpus)


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that need tei_all run after the others, and the corpus tests last; tei_all starts
    compiling and the corpus converting now, in the background."""
    corpus_items = [item for item in items if item.get_closest_marker("corpus")]
    items.sort(key=lambda item: (bool(item.get_closest_marker("corpus")), "tei_all" in item.fixturenames))
    if config.option.collectonly:
        return
    if any("tei_all" in item.fixturenames for item in items):
        config.stash[_TEI_ALL] = TeiAll()
    if any("corpus_conversions" in item.fixturenames for item in corpus_items):
        config.stash[_CONVERSIONS] = _Conversions(_corpus_folder(config), overlap=len(corpus_items) < len(items))


def pytest_sessionfinish(session: pytest.Session) -> None:
    conversions = session.config.stash.get(_CONVERSIONS, None)
    if conversions is not None:
        conversions.pool.shutdown(cancel_futures=True)
    tei_all = session.config.stash.get(_TEI_ALL, None)
    if tei_all is not None:
        tei_all.close()


class Ran(NamedTuple):
    """What a run of the `tei` command gave, as subprocess.CompletedProcess names it."""

    returncode: int
    stdout: bytes
    stderr: bytes


def tei_process(*args: str, stdin: bytes | None = None, env: dict | None = None) -> Ran:
    """`tei ARGS` in a new process (`python -m tei`): what users get, with the process's exit code."""
    done = subprocess.run([sys.executable, "-m", "tei", *args], input=stdin, capture_output=True,
                          env={**os.environ, **(env or {})})
    return Ran(done.returncode, done.stdout, done.stderr)


def tei_command(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: Path | None = None) -> Ran:
    """`tei ARGS` in this process (click's CliRunner), run in `cwd` if given, for the many tests of
    the command's behaviour: a new process costs most of a second. An exception that is not an exit
    fails the test."""
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout_bytes, result.stderr_bytes)


def parse_tei(data: bytes | Path) -> etree._ElementTree:
    """Parse serialized TEI (bytes, or a file path) with the safe parser: no entities, DTD or network."""
    if isinstance(data, Path):
        return etree.parse(str(data), safe_parser())
    return etree.ElementTree(etree.fromstring(data, safe_parser()))


def remove_reading(choice: etree._Element) -> None:
    """Take a `<choice>` out as a person does in an editor: its printed text (sic) stays in its place."""
    parent, previous = choice.getparent(), choice.getprevious()
    kept = choice.findtext(f"{{{NS['t']}}}sic") + (choice.tail or "")
    if previous is None:
        parent.text = (parent.text or "") + kept
    else:
        previous.tail = (previous.tail or "") + kept
    parent.remove(choice)


def xpath(tree, expression: str, **variables):
    """XPath with the TEI prefix `t:` bound."""
    return tree.xpath(expression, namespaces=NS, **variables)


@dataclass(frozen=True)
class Corpus:
    """A corpus folder in the dev corpus layout, and its gold."""

    folder: Path

    @property
    def trimmed(self) -> bool:
        """The trimmed dev set, whose floors differ from the full corpus's."""
        return self.folder.resolve() == DEV_SET.resolve()

    @cached_property
    def files(self) -> tuple[Path, ...]:
        return tuple(sorted(self.folder.glob("*.txt")))

    @cached_property
    def manifest(self) -> tuple[dict[str, str], ...]:
        with (self.folder / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
            return tuple(csv.DictReader(handle, delimiter="\t"))

    @cached_property
    def ocr_gold(self) -> dict[str, dict]:
        """ocr_gold.jsonl by document stem."""
        lines = (self.folder / "ocr_gold.jsonl").read_text(encoding="utf-8").splitlines()
        return {Path(gold["file"]).stem: gold for gold in map(json.loads, filter(None, lines))}

    @cached_property
    def seg_gold(self) -> dict[str, dict]:
        """seg_gold/*.json by document stem."""
        return {path.stem: json.loads(path.read_text(encoding="utf-8"))
                for path in sorted((self.folder / "seg_gold").glob("*.json"))}


def _corpus_folder(config: pytest.Config) -> Path:
    folder = config.getoption("--corpus") or DEV_SET
    if not (folder / "manifest.tsv").is_file():
        raise pytest.UsageError(f"--corpus {folder}: not a corpus folder (no manifest.tsv)")
    return folder


@pytest.fixture(scope="session")
def corpus(request: pytest.FixtureRequest) -> Corpus:
    """The corpus the corpus tests run on: --corpus=DIR, else the trimmed dev set."""
    return Corpus(_corpus_folder(request.config))


@pytest.fixture(scope="session")
def corpus_files(corpus: Corpus) -> tuple[Path, ...]:
    return corpus.files


@dataclass(frozen=True)
class Converted:
    """One corpus document as `tei convert` writes it, and the warnings it gave."""

    data: bytes
    warnings: tuple[str, ...]


def _convert(path: Path) -> Converted:
    result = convert_file(path, ConvertOptions())
    return Converted(serialize(result.tree), result.warnings)


class _Conversions:
    """Every document of a corpus folder being converted in worker processes, the longest first.

    Started when the tests are collected: the OCR step dominates, so the corpus converts while the
    other tests run (in one worker, leaving a CPU to them and yielding to them) or, when there are
    none, on every CPU. The workers are new interpreters (spawned, not forked), with hash seeds of
    their own: test_corpus.py checks that this process converts to the same bytes.
    """

    def __init__(self, folder: Path, overlap: bool):
        cpus = len(os.sched_getaffinity(0))
        self.paths = sorted(Corpus(folder).files, key=lambda path: path.stat().st_size, reverse=True)
        workers = max(1, min(cpus - overlap, 8, len(self.paths)))
        # Behind the tests that run meanwhile (niceness 10), which the corpus tests come after.
        self.pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"),
                                        initializer=os.nice, initargs=(10 if overlap else 0,))
        self.futures = [self.pool.submit(_convert, path) for path in self.paths]

    def results(self) -> dict[str, Converted]:
        converted = {path.stem: future.result() for path, future in zip(self.paths, self.futures)}
        self.pool.shutdown()
        return dict(sorted(converted.items()))


_CONVERSIONS = pytest.StashKey[_Conversions]()


@pytest.fixture(scope="session")
def corpus_conversions(request: pytest.FixtureRequest, corpus: Corpus) -> dict[str, Converted]:
    """Every corpus document converted once per run with the default options (OCR marking on),
    by file stem."""
    conversions = request.config.stash.get(_CONVERSIONS, None) or _Conversions(corpus.folder, overlap=False)
    return conversions.results()


@pytest.fixture(scope="session")
def corpus_outputs(corpus_conversions: dict[str, Converted]) -> dict[str, etree._ElementTree]:
    """The converted corpus read back with the safe parser, by file stem: the files users get."""
    return {stem: parse_tei(converted.data) for stem, converted in corpus_conversions.items()}


def bundled_relaxng(name: str) -> etree.RelaxNG:
    """Compile a RelaxNG schema bundled in schemas/ (tei_all.rng, cmif.rng)."""
    return etree.RelaxNG(parse_tei(SCHEMAS / name))


_TEI_ALL = pytest.StashKey[TeiAll]()


@pytest.fixture(scope="session")
def tei_all(request: pytest.FixtureRequest) -> TeiAll:
    """TEI P5 tei_all, compiled once per run in its own process (TeiAll)."""
    if _TEI_ALL not in request.config.stash:
        request.config.stash[_TEI_ALL] = TeiAll()
    return request.config.stash[_TEI_ALL]


@pytest.fixture(scope="session")
def project_rng() -> etree.RelaxNG:
    """The project's RelaxNG, schemas/tei_bha.rng (the file the package ships as tei/schemas)."""
    return etree.RelaxNG(parse_tei(PROJECT_RNG))


@pytest.fixture(scope="session")
def project_schematron() -> isoschematron.Schematron:
    """The project's Schematron, schemas/tei_bha.sch; `.validation_report` is SVRL after validate()."""
    return isoschematron.Schematron(parse_tei(PROJECT_SCH), store_report=True)


@pytest.fixture(scope="session")
def seed_result():
    """The seed converted with the default options (a convert.Result)."""
    return convert_file(SEED)


@pytest.fixture(scope="session")
def seed_bytes(seed_result) -> bytes:
    """The seed converted with the default options, as `tei convert` writes it."""
    return serialize(seed_result.tree)


@pytest.fixture(scope="session")
def seed_tree(seed_bytes: bytes) -> etree._ElementTree:
    return parse_tei(seed_bytes)


# --------------------------------------------------------------------------- a real browser
@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the browser saves downloads in."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path):
    """Debian's headless chromium through chromedriver (selenium), one session per run, saving
    downloads in `downloads`. Skips when chromium, chromedriver or selenium is missing; .ci/run
    installs all three."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1000,1200", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()
