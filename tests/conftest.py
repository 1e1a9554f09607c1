"""Run-wide fixtures: paths, the safe parser, compiled schemas and the converted dev corpus."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tei import ConvertOptions, convert_file
from tei.validate import safe_parser
from tei.vocab import NS

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = ROOT / "seeds" / "000_40c4c9e224be5acb.txt"
INPUTS = Path(__file__).resolve().parent / "inputs"

needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the clone")


def parse_tei(data: bytes) -> etree._ElementTree:
    """Parse serialized TEI with the safe parser."""
    return etree.ElementTree(etree.fromstring(data, safe_parser()))


def xpath(tree, expression: str, **variables):
    """XPath with the TEI prefix `t:` bound."""
    return tree.xpath(expression, namespaces=NS, **variables)


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    """TEI P5 tei_all, compiled once per run (about 7 s)."""
    path = SHARED / "schemas" / "tei_all.rng"
    if not path.exists():
        pytest.skip("../shared/schemas/tei_all.rng is not available")
    return etree.RelaxNG(etree.parse(str(path)))


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the clone")
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_outputs(corpus_files) -> dict[str, etree._ElementTree]:
    """Every dev document converted with the default options, by file stem."""
    return {path.stem: convert_file(path, ConvertOptions()).tree for path in corpus_files}


@pytest.fixture(scope="session")
def seed_tree() -> etree._ElementTree:
    return convert_file(SEED).tree
