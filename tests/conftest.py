"""Run-wide fixtures: paths, the safe parser, compiled schemas and the converted dev corpus."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from lxml import etree, isoschematron

from tei import ConvertOptions, convert_file, serialize
from tei.validate import safe_parser
from tei.vocab import NS

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = ROOT / "seeds" / "000_40c4c9e224be5acb.txt"
INPUTS = Path(__file__).resolve().parent / "inputs"
SCHEMAS = ROOT / "schemas"
PROJECT_RNG = SCHEMAS / "tei_bha.rng"
PROJECT_SCH = SCHEMAS / "tei_bha.sch"
TEI_ALL_RNG = SCHEMAS / "tei_all.rng"

needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the clone")


def parse_tei(data: bytes | Path) -> etree._ElementTree:
    """Parse serialized TEI (bytes, or a file path) with the safe parser: no entities, DTD or network."""
    if isinstance(data, Path):
        return etree.parse(str(data), safe_parser())
    return etree.ElementTree(etree.fromstring(data, safe_parser()))


def xpath(tree, expression: str, **variables):
    """XPath with the TEI prefix `t:` bound."""
    return tree.xpath(expression, namespaces=NS, **variables)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the clone (corpus, tei_all, tools); tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the clone")
    return SHARED


def bundled_relaxng(name: str) -> etree.RelaxNG:
    """Compile a RelaxNG schema bundled in schemas/ (tei_all.rng, cmif.rng)."""
    return etree.RelaxNG(parse_tei(SCHEMAS / name))


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    """TEI P5 tei_all, compiled once per run (about 7 s)."""
    return bundled_relaxng(TEI_ALL_RNG.name)


@pytest.fixture(scope="session")
def project_rng() -> etree.RelaxNG:
    """The project's RelaxNG, schemas/tei_bha.rng (the file the package ships as tei/schemas)."""
    return etree.RelaxNG(parse_tei(PROJECT_RNG))


@pytest.fixture(scope="session")
def project_schematron() -> isoschematron.Schematron:
    """The project's Schematron, schemas/tei_bha.sch; `.validation_report` is SVRL after validate()."""
    return isoschematron.Schematron(parse_tei(PROJECT_SCH), store_report=True)


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the clone")
    return sorted(CORPUS.glob("*.txt"))


def _converted_bytes(path: Path) -> bytes:
    """One document converted with the default options, as `tei convert` writes it."""
    return serialize(convert_file(path, ConvertOptions()).tree)


@pytest.fixture(scope="session")
def corpus_outputs(corpus_files) -> dict[str, etree._ElementTree]:
    """Every dev document converted with the default options and written as `tei convert` writes
    it, read back with the safe parser, by file stem: the tests check the files users get.

    The OCR step dominates the run, so the documents are converted in one worker process per CPU.
    """
    workers = min(len(os.sched_getaffinity(0)), 8, len(corpus_files))
    if workers < 2:
        outputs = [_converted_bytes(path) for path in corpus_files]
    else:
        with ProcessPoolExecutor(workers) as pool:
            outputs = list(pool.map(_converted_bytes, corpus_files, chunksize=4))
    return {path.stem: parse_tei(data) for path, data in zip(corpus_files, outputs)}


@pytest.fixture(scope="session")
def seed_tree() -> etree._ElementTree:
    return convert_file(SEED).tree
