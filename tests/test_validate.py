"""`tei validate` as a TEI project's CI uses it: which schemas apply, jing's verdicts, bad files,
hostile schemas, IO faults, and validation that stays linear (or stops with a finding).

The verdicts are checked on 17 TEI Guidelines files under tests/tei-samples (jing's verdicts in
verdicts.tsv); the same check on all 134 of ../shared/tei-samples is in the `shared` group.
"""
from __future__ import annotations

import copy
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import SEED, SHARED, parse_tei, tei_command as tei
from tei import ConvertOptions, convert_file, serialize
from tei.build import point_to_schemas
from tei.errors import SchemaError
from tei.rng import _matches_any, document_names, pruned_grammar
from tei.schemas import TEI_ALL_VERSION, builtin, load_file, schemas_for_option
from tei.validate import parse_document, validate_bytes, validate_paths
from tei.write import write_schemas

SAMPLES = Path(__file__).resolve().parent / "tei-samples"
TEI_NS = "http://www.tei-c.org/ns/1.0"
RNG = "http://relaxng.org/ns/structure/1.0"
SCH = "http://purl.oclc.org/dsdl/schematron"
MINIMAL = SAMPLES / "TEI/P5/Exemplars/tei_minimal.tei.xml"


def verdicts(folder: Path) -> dict[str, str]:
    with open(folder / "verdicts.tsv", encoding="utf-8", newline="") as stream:
        return {row["file"]: row["jing_tei_all"] for row in csv.DictReader(stream, delimiter="\t")}


def validate_one(path: Path, schemas=None, time_limit: float = 0):
    return next(validate_paths([path], schemas, time_limit=time_limit))


def codes(result) -> list[str]:
    return [finding.code for finding in result.findings]


@pytest.fixture(scope="module")
def output_folder(tmp_path_factory) -> Path:
    """The seed converted as `tei convert -o DIR` writes it: the file, and the schemas at DIR."""
    folder = tmp_path_factory.mktemp("out")
    (folder / "000_40c4c9e224be5acb.xml").write_bytes(serialize(convert_file(SEED, ConvertOptions(ocr=False)).tree))
    write_schemas(folder)
    return folder


@pytest.fixture
def no_network(monkeypatch):
    """Any socket opened here (or in the forked worker) fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("validation tried to open a network connection")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ----------------------------------------------------------------------------------------------
# 1. jing's verdicts


def test_verdicts_agree_with_jing_on_the_trimmed_samples():
    expected = verdicts(SAMPLES)
    assert len(expected) == 17
    results = {Path(r.path).relative_to(SAMPLES).as_posix(): r
               for r in validate_paths([SAMPLES / "TEI"], builtin("tei_all"), time_limit=0)}
    assert {name: "valid" if r.valid else "invalid" for name, r in results.items()} == expected


@pytest.mark.shared
def test_verdicts_agree_with_jing_on_all_134_samples():
    folder = SHARED / "tei-samples"
    if not folder.is_dir():
        pytest.skip("../shared/tei-samples is not beside the clone")
    expected = verdicts(folder)
    results = {Path(r.path).relative_to(folder).as_posix(): r
               for r in validate_paths([folder / "TEI"], builtin("tei_all"))}
    assert len(expected) == len(results) == 134
    disagreements = {name: (verdict, [f"{f.line}: {f.code} {f.message}" for f in results[name].findings][:2])
                     for name, verdict in expected.items() if ("valid" if results[name].valid else "invalid") != verdict}
    assert disagreements == {}


def _mutants(originals: list[etree._ElementTree], count: int, seed: int):
    """Seeded random edits (from test_schema's mutation kit) of `originals`."""
    import test_schema

    names, all_names = test_schema._project_names(), test_schema._tei_names()
    rng = random.Random(seed)
    for index in range(count):
        mutant = copy.deepcopy(originals[index % len(originals)])
        test_schema._random_edits(rng, mutant.getroot(), names, all_names)
        yield etree.ElementTree(etree.fromstring(etree.tostring(mutant), etree.XMLParser(collect_ids=False)))


def _sample_trees() -> list[etree._ElementTree]:
    import test_schema

    files = sorted((SAMPLES / "TEI").rglob("*.xml"))
    return [test_schema.rich_sample(), convert_file(SEED, ConvertOptions(ocr=False)).tree,
            *(parse_document(path.read_bytes(), str(path))[0] for path in files)]


def test_pruned_project_schema_gives_the_full_schemas_verdict_on_mutants(project_rng):
    grammar = builtin("bha")[0].grammar
    tally = {True: 0, False: 0}
    for mutant in _mutants(_sample_trees()[:2], 800, seed=11):
        verdict = project_rng.validate(mutant)
        tally[verdict] += 1
        assert grammar.relaxng(mutant).validate(mutant) == verdict, etree.tostring(mutant)[:2000]
    assert min(tally.values()) > 100  # both verdicts well represented


def test_pruned_tei_all_gives_the_full_schemas_verdict_on_mutants(tei_all):
    """tei_all compiled whole (the session fixture, as jing reads it) against the pruned grammars."""
    grammar = builtin("tei_all")[0].grammar
    tally = {True: 0, False: 0}
    mutants = list(_mutants(_sample_trees(), 400, seed=12))
    for mutant, (verdict, _) in zip(mutants, tei_all.validate_many(mutants)):
        tally[verdict] += 1
        assert grammar.relaxng(mutant).validate(mutant) == verdict, etree.tostring(mutant)[:2000]
    assert min(tally.values()) > 50


def test_pruned_tei_all_reports_the_first_error_as_the_full_schema_does(tei_all):
    """Where the document lacks a required element, the pruned grammar keeps a stub of it, so
    libxml2 names the place of the error rather than blaming the parent's attributes."""
    grammar = builtin("tei_all")[0].grammar
    invalid = [name for name, verdict in verdicts(SAMPLES).items() if verdict == "invalid"]
    documents = [parse_document((SAMPLES / name).read_bytes(), name)[0] for name in invalid]
    documents.append(parse_document(f'<TEI xmlns="{TEI_NS}">\n<wrong/>\n</TEI>'.encode(), "bad.xml")[0])
    for document in documents:
        # tei_all (conftest.TeiAll) reads the document as lxml serializes it: so does the pruned grammar here.
        tree = parse_document(etree.tostring(document), "serialized.xml")[0]
        pruned = grammar.relaxng(tree)
        assert not tei_all.validate(tree) and not pruned.validate(tree)
        first = [(e.line, e.message) for e in tei_all.error_log][:1]
        assert [(e.line, e.message) for e in pruned.error_log][:1] == first


def test_pruned_grammar_keeps_only_what_the_document_names():
    grammar = builtin("tei_all")[0].grammar
    tree = parse_tei(MINIMAL)
    elements, attributes = document_names(tree)
    kept = frozenset(i for i, p in enumerate(grammar.named)
                     if _matches_any(p.argument, elements if p.kind == "element" else attributes))
    pruned = pruned_grammar(grammar, kept)
    names = {n.text for n in pruned.iter(f"{{{RNG}}}name")}
    assert {"TEI", "teiHeader", "p"} <= names and "msDesc" not in names
    assert len(pruned.findall(f"{{{RNG}}}define")) < len(grammar.defines) / 5


# ----------------------------------------------------------------------------------------------
# 2. Which schemas: --schema, <?xml-model?>, default


def _declaring(folder: Path, name: str, *models: str, body: str = "<p>x</p>") -> Path:
    """A small tei_all-valid TEI file that declares `models` (href, schematypens or type)."""
    instructions = "".join(f"<?xml-model {model}?>\n" for model in models)
    path = folder / name
    path.write_text(f'<?xml version="1.0"?>\n{instructions}<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt>'
                    "<title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
                    f"</sourceDesc></fileDesc></teiHeader><text><body>{body}</body></text></TEI>\n", encoding="utf-8")
    return path


def test_our_outputs_pass_the_default_path_with_the_schemas_they_declare(output_folder):
    result = validate_one(output_folder / "000_40c4c9e224be5acb.xml")
    assert result.valid, result.findings
    assert [(s.name, s.kind, s.source, Path(s.location).name) for s in result.schemas] == [
        ("tei_bha.rng", "relaxng", "xml-model", "tei_bha.rng"), ("tei_bha.sch", "schematron", "xml-model", "tei_bha.sch")]
    assert all(Path(s.location).parent == output_folder for s in result.schemas)


def test_an_output_without_its_schema_files_uses_the_bundled_ones(tmp_path, output_folder):
    shutil.copy(output_folder / "000_40c4c9e224be5acb.xml", tmp_path)
    result = validate_one(tmp_path / "000_40c4c9e224be5acb.xml")
    assert result.valid, result.findings
    assert [s.location for s in result.schemas] == ["bundled:tei_bha.rng", "bundled:tei_bha.sch"]


def test_outputs_in_subfolders_reach_the_schemas_at_the_output_root(tmp_path):
    tree = convert_file(SEED, ConvertOptions(ocr=False)).tree
    point_to_schemas(tree, "../../")
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.xml").write_bytes(serialize(tree))
    write_schemas(tmp_path)
    result = validate_one(tmp_path / "a" / "b" / "x.xml")
    assert result.valid, result.findings
    assert [Path(s.location).resolve() for s in result.schemas] == [tmp_path / "tei_bha.rng", tmp_path / "tei_bha.sch"]


def test_no_declaration_means_tei_all_and_a_note_on_its_schematron():
    result = validate_one(MINIMAL)
    assert result.valid
    assert [(s.name, s.kind, s.source, s.location) for s in result.schemas] == [
        ("tei_all", "relaxng", "default", "bundled:tei_all.rng"),
        ("tei_all", "schematron", "default", "bundled:tei_all.rng")]
    note, = result.warnings
    assert "90 embedded Schematron pattern(s) not applied: they need XSLT 2" in note


def test_warnings_about_a_schema_are_given_once_per_run():
    results = list(validate_paths([MINIMAL, SAMPLES / "TEI/P5/Exemplars/tei_speech.tei.xml"], time_limit=0))
    assert [len(result.warnings) for result in results] == [1, 0]


def test_a_tei_c_org_url_of_tei_all_maps_to_the_bundled_copy_with_the_version_stated(tmp_path, no_network):
    release = validate_one(SAMPLES / "TEI/P5/ReleaseNotes/readme-3.2.0.xml")
    assert release.valid and {s.location for s in release.schemas} == {"bundled:tei_all.rng"}
    assert any(f"checked against the bundled tei_all of TEI P5 {TEI_ALL_VERSION}" in w for w in release.warnings)
    vault = _declaring(tmp_path, "v.xml", 'href="https://www.tei-c.org/Vault/P5/3.1.0/xml/tei/custom/schema/relaxng/'
                                          f'tei_all.rng" type="application/xml" schematypens="{RNG}"')
    result = validate_one(vault, time_limit=5)
    assert result.valid and any("(TEI P5 3.1.0) is checked against" in w for w in result.warnings)


def test_an_unknown_or_missing_schema_is_a_finding_naming_the_href_and_nothing_is_fetched(no_network):
    unknown = validate_one(SAMPLES / "TEI/P5/Exemplars/tei_jtei.tei.xml", time_limit=5)
    assert codes(unknown) == ["SCHEMA_UNAVAILABLE", "SCHEMA_UNAVAILABLE"]
    assert unknown.findings[0].schema.endswith("tei_jtei.rng") and "nothing is fetched" in unknown.findings[0].message
    missing = validate_one(SAMPLES / "TEI/P5/ReleaseNotes/readme-2.9.0.xml")
    assert codes(missing) == ["SCHEMA_UNAVAILABLE", "SCHEMA_UNAVAILABLE"]
    assert missing.findings[0].message.startswith("schema ../Exemplars/tei_all.rng not found")
    compact = validate_one(SAMPLES / "TEI/P5/Test/testAlien.xml")
    assert codes(compact) == ["SCHEMA_UNAVAILABLE"] and compact.findings[0].line == 2


def test_a_declared_schema_is_the_only_one_applied(tmp_path):
    (tmp_path / "mine.rnc").write_text('default namespace = "http://www.tei-c.org/ns/1.0"\n'
                                       "start = element TEI { element note { text } }\n", encoding="utf-8")
    path = tmp_path / "d.xml"
    path.write_text(f'<?xml-model href="mine.rnc" type="application/relax-ng-compact-syntax"?>\n'
                    f'<TEI xmlns="{TEI_NS}"><note>not TEI at all</note></TEI>\n', encoding="utf-8")
    result = validate_one(path)
    assert result.valid, result.findings  # tei_all would reject it: no teiHeader
    assert [(s.name, s.kind, s.source) for s in result.schemas] == [("mine.rnc", "relaxng", "xml-model")]
    assert not validate_one(path, builtin("tei_all")).valid


def test_a_declared_schematron_runs_and_reports_its_codes(tmp_path):
    (tmp_path / "rules.sch").write_text(
        f'<schema xmlns="{SCH}"><ns prefix="t" uri="{TEI_NS}"/><pattern><rule context="t:p">'
        '<assert id="NO-X" test="not(contains(., \'x\'))">no x in a paragraph</assert>'
        '<report id="NOTE" role="info" test="true()">seen a paragraph</report></rule></pattern></schema>',
        encoding="utf-8")
    path = _declaring(tmp_path, "d.xml", f'href="rules.sch" type="application/xml" schematypens="{SCH}"')
    result = validate_one(path)
    assert [(f.code, f.line, f.schema) for f in result.findings] == [("NO-X", 3, "rules.sch")]
    assert any("NOTE seen a paragraph" in warning for warning in result.warnings)  # role="info": a warning


def test_schematron_embedded_in_relaxng_is_applied(tmp_path):
    (tmp_path / "s.rng").write_text(
        f'<grammar xmlns="{RNG}" xmlns:sch="{SCH}"><sch:ns prefix="t" uri="{TEI_NS}"/>'
        f'<start><element name="TEI" ns="{TEI_NS}"><sch:pattern><sch:rule context="t:TEI">'
        '<sch:assert id="HAS-N" test="@n">TEI needs @n</sch:assert></sch:rule></sch:pattern>'
        '<optional><attribute name="n"/></optional><empty/></element></start></grammar>', encoding="utf-8")
    path = tmp_path / "d.xml"
    path.write_text(f'<TEI xmlns="{TEI_NS}"/>', encoding="utf-8")
    result = validate_one(path, load_file(tmp_path / "s.rng"))
    assert [(f.code, f.schema) for f in result.findings] == [("HAS-N", str(tmp_path / "s.rng"))]


def test_an_unsupported_schema_language_is_a_warning_and_tei_all_applies(tmp_path):
    path = _declaring(tmp_path, "d.xml", 'href="s.xsd" schematypens="http://www.w3.org/2001/XMLSchema"')
    result = validate_one(path)
    assert result.valid and {s.source for s in result.schemas} == {"default"}
    assert any("W3C XML Schema 's.xsd' is not applied" in warning for warning in result.warnings)


def test_schema_option_takes_names_and_files_and_nothing_else(tmp_path, output_folder):
    assert [(s.name, s.kind, s.location) for s in schemas_for_option(["bha", "cmif"])] == [
        ("bha", "relaxng", "bundled:tei_bha.rng"), ("bha", "schematron", "bundled:tei_bha.sch"),
        ("cmif", "relaxng", "bundled:cmif.rng")]
    output = output_folder / "000_40c4c9e224be5acb.xml"
    assert validate_one(output, schemas_for_option(["tei_all"])).valid
    assert not validate_one(output, schemas_for_option(["cmif"])).valid  # a converted file is no CMIF file
    with pytest.raises(SchemaError, match="no such schema file, and not a built-in name"):
        schemas_for_option(["nonsense"])


def test_cmif_output_is_valid_against_cmif_and_tei_all(output_folder, tmp_path):
    result = tei("cmif", str(output_folder), "--url", "https://example.org/letters.xml", "-o",
                 str(tmp_path / "letters.xml"))
    assert result.returncode == 0, result.stderr
    for name in ("cmif", "tei_all"):
        checked = validate_one(tmp_path / "letters.xml", builtin(name))
        assert checked.valid, (name, checked.findings)


def test_a_cmif_file_declaring_the_correspsearch_schema_url_uses_the_bundled_cmif(output_folder, tmp_path, no_network):
    letters = tei("cmif", str(output_folder), "--url", "https://example.org/letters.xml").stdout
    declared = letters.replace(b"<TEI ", b'<?xml-model href="https://raw.githubusercontent.com/TEI-Correspondence-SIG/'
                               b'CMIF/master/schema/cmi-customization.rng" type="application/xml" '
                               b'schematypens="http://relaxng.org/ns/structure/1.0"?>\n<TEI ', 1)
    (tmp_path / "letters.xml").write_bytes(declared)
    result = validate_one(tmp_path / "letters.xml")
    assert result.valid, result.findings
    assert [(s.kind, s.source, s.location) for s in result.schemas] == [("relaxng", "xml-model", "bundled:cmif.rng")]


# ----------------------------------------------------------------------------------------------
# 3. Hostile schemas: never a fetch, never a traceback


@pytest.mark.parametrize("reference", ["include", "externalRef"])
def test_a_schema_referring_to_a_url_is_refused_not_fetched(tmp_path, reference, no_network):
    (tmp_path / "s.rng").write_text(f'<grammar xmlns="{RNG}"><start><{reference} href="http://example.org/x.rng"/>'
                                    '</start></grammar>' if reference == "externalRef" else
                                    f'<grammar xmlns="{RNG}"><include href="https://example.org/x.rng"/>'
                                    '<start><empty/></start></grammar>', encoding="utf-8")
    with pytest.raises(SchemaError, match="is a URL; schemas are never fetched"):
        load_file(tmp_path / "s.rng")
    declared = _declaring(tmp_path, "d.xml", f'href="s.rng" schematypens="{RNG}"')
    result = validate_one(declared)
    assert codes(result) == ["SCHEMA_UNAVAILABLE"] and "is a URL" in result.findings[0].message


def test_a_schema_with_a_local_include_is_compiled_whole(tmp_path):
    (tmp_path / "part.rng").write_text(f'<grammar xmlns="{RNG}"><define name="body"><element name="b"><text/>'
                                       '</element></define></grammar>', encoding="utf-8")
    (tmp_path / "s.rng").write_text(f'<grammar xmlns="{RNG}"><include href="part.rng"/><start><element name="a">'
                                    '<ref name="body"/></element></start></grammar>', encoding="utf-8")
    (tmp_path / "ok.xml").write_text("<a><b>x</b></a>")
    (tmp_path / "bad.xml").write_text("<a><c/></a>")
    schemas = load_file(tmp_path / "s.rng")
    assert validate_one(tmp_path / "ok.xml", schemas).valid
    assert not validate_one(tmp_path / "bad.xml", schemas).valid


@pytest.mark.parametrize(("rule", "expected"), [
    ("count(//t:p) gt 1", "exit 2"),                                  # XPath 2: does not compile
    ("document('http://example.org/x.xml')", "SCHEMATRON_ERROR"),    # no network for rules either
    ("document('elsewhere.xml')", "SCHEMATRON_ERROR"),
])
def test_a_bad_schematron_is_one_line_and_never_a_traceback(tmp_path, rule, expected, no_network):
    (tmp_path / "s.sch").write_text(f'<schema xmlns="{SCH}"><ns prefix="t" uri="{TEI_NS}"/><pattern><rule context="t:TEI">'
                                    f'<assert id="A" test="{rule}">m</assert></rule></pattern></schema>', encoding="utf-8")
    path = _declaring(tmp_path, "d.xml")
    result = tei("validate", "--schema", str(tmp_path / "s.sch"), str(path))
    assert b"Traceback" not in result.stderr
    if expected == "exit 2":
        assert result.returncode == 2 and result.stdout == b""
        assert len(result.stderr.decode().strip().splitlines()) == 1
        assert "could not compile test expression" in result.stderr.decode()
    else:
        assert result.returncode == 1
        assert f"{path}:0: SCHEMATRON_ERROR a rule could not be evaluated" in result.stdout.decode()


def test_a_schematron_with_the_xslt2_binding_is_named_as_not_applied(tmp_path):
    (tmp_path / "s.sch").write_text(f'<schema xmlns="{SCH}" queryBinding="xslt2"><pattern><rule context="*">'
                                    '<assert test="true()">m</assert></rule></pattern></schema>', encoding="utf-8")
    result = validate_one(MINIMAL, load_file(tmp_path / "s.sch"))
    assert result.valid
    assert result.warnings == ("s.sch: 1 Schematron pattern(s) not applied: they need XSLT 2 (queryBinding xslt2); "
                               "lxml runs XSLT 1.0 only",)


# ----------------------------------------------------------------------------------------------
# 4. Documents: safety, xml:id, columns, order


def test_xml_id_errors_are_findings_and_the_schema_still_runs(tmp_path):
    path = _declaring(tmp_path, "d.xml", body='<p xml:id="a">x</p><p xml:id="a">y</p><wrong/>')
    result = validate_one(path)
    assert "DTD_ID_REDEFINED" in codes(result)
    assert any(code.startswith("RELAXNG_ERR") for code in codes(result))  # tei_all ran on it


def test_findings_carry_columns_where_libxml2_gives_them_and_are_sorted_by_line(tmp_path):
    path = tmp_path / "d.xml"
    path.write_text("<TEI>\n  <p>\n</TEI>\n")
    finding = validate_one(path).findings[0]
    assert (finding.line, finding.column, finding.code) == (3, 7, "ERR_TAG_NAME_MISMATCH")
    lines = [f.line for f in validate_one(SAMPLES / "TEI/P5/Exemplars/tei_math.tei.xml", builtin("bha")).findings]
    assert lines == sorted(lines, key=lambda line: (line <= 0, line))


def test_entities_are_findings_never_expanded(tmp_path, no_network):
    path = tmp_path / "evil.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">'
                    '<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://example.org/x">]>\n'
                    '<TEI>&b;&xxe;&net;</TEI>\n')
    result = validate_one(path)
    assert {"XML_ENTITY", "XML_DTD"} <= set(codes(result))
    assert "root:" not in str(result.findings) and "aaaaaaaaaa" not in str(result.findings)


# ----------------------------------------------------------------------------------------------
# 5. Files that cannot be validated: a finding or a warned skip, and the run goes on


def test_bad_files_are_findings_or_skips_and_the_run_goes_on(tmp_path, output_folder):
    folder = tmp_path / "repo"
    folder.mkdir()
    shutil.copy(output_folder / "000_40c4c9e224be5acb.xml", folder / "a-good.xml")
    (folder / "b-latin1.xml").write_bytes('<?xml version="1.0" encoding="UTF-8"?><TEI>caf\xe9</TEI>'.encode("latin-1"))
    (folder / "c-folder.xml").mkdir()  # a folder named like a file: searched, not read
    shutil.copy(MINIMAL, folder / "c-folder.xml" / "inside.tei")
    (folder / "d-dangling.xml").symlink_to(folder / "nowhere.xml")
    (folder / "e-loop.xml").symlink_to(folder / "e-loop.xml")  # unreadable: ELOOP
    os.mkfifo(folder / "f-fifo.xml")
    (folder / "g-zero.xml").symlink_to("/dev/zero")
    result = tei("validate", "--format", "json", str(folder))
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    records = {Path(r["file"]).relative_to(folder).as_posix(): r for r in map(json.loads, result.stdout.splitlines())}
    assert sorted(records) == ["a-good.xml", "b-latin1.xml", "c-folder.xml/inside.tei", "d-dangling.xml",
                               "e-loop.xml", "f-fifo.xml", "g-zero.xml"]
    assert records["a-good.xml"]["valid"] and records["c-folder.xml/inside.tei"]["valid"]
    assert records["b-latin1.xml"]["findings"][0]["code"].startswith("ERR_")
    assert records["d-dangling.xml"]["findings"][0]["message"] == "cannot read: No such file or directory"
    assert records["e-loop.xml"]["findings"][0]["code"] == "IO_ERROR"
    assert records["f-fifo.xml"]["skipped"] == "not a regular file (a FIFO); skipped"
    assert records["g-zero.xml"]["skipped"] == "not a regular file (a character device); skipped"
    stderr = result.stderr.decode()
    assert "f-fifo.xml: not a regular file (a FIFO); skipped" in stderr
    assert stderr.strip().endswith("2 of 5 file(s) valid; 2 skipped")


@pytest.mark.parametrize("output_format", ["junit", "sarif"])
def test_reports_stay_well_formed_with_any_file_name(tmp_path, output_format):
    odd = tmp_path / os.fsdecode(b"bad-\xff-\x01-name.xml")
    odd.write_bytes(b"<TEI>")
    result = tei("validate", "--format", output_format, str(tmp_path))
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    if output_format == "junit":
        assert etree.fromstring(result.stdout).find("testsuite/testcase").get("name").endswith("bad-\\xff-\\x01-name.xml")
    else:
        uri = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri["uri"].endswith("bad-%FF-%01-name.xml")


def test_stdin_is_one_document_and_its_hrefs_are_relative_to_the_working_folder(output_folder):
    data = (output_folder / "000_40c4c9e224be5acb.xml").read_bytes()
    result = tei("validate", "--format", "json", "-", stdin=data, cwd=output_folder)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["file"] == "-" and record["valid"]
    assert [Path(s["location"]).parent for s in record["schemas"]] == [output_folder, output_folder]
    broken = tei("validate", "-", stdin=b"<TEI>\n<p></TEI>")
    assert broken.returncode == 1 and broken.stdout.decode().startswith("-:2:")


# ----------------------------------------------------------------------------------------------
# 6. IO and usage faults: one line, exit 2, never a traceback


@pytest.mark.parametrize("shell", [
    "{tei} validate --format json {file} > /dev/full",
    "{tei} validate --format json {file} >&-",
    "{tei} validate - <&-",
])
def test_closed_or_full_streams_are_one_line_and_exit_2(shell, output_folder):
    command = shell.format(tei=f"{sys.executable} -m tei", file=output_folder / "000_40c4c9e224be5acb.xml")
    result = subprocess.run(["sh", "-c", command], capture_output=True, timeout=60)
    message = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(message) == 1 and ("stdout" in message[0] or "stdin" in message[0]), message


@pytest.mark.parametrize("args", [
    ("validate", "--format", "xml", "x.xml"),
    ("validate", "--time-limit", "-1", "x.xml"),
    ("validate", "--schema", "", "x.xml"),
    ("validate", "--schema", "nonsense", "x.xml"),
    ("validate",),
])
def test_bad_option_values_are_one_line_and_exit_2(args):
    result = tei(*args)
    assert result.returncode == 2 and result.stdout == b""
    assert b"Traceback" not in result.stderr
    assert len([line for line in result.stderr.decode().splitlines() if line.startswith("Error")]) == 1


# ----------------------------------------------------------------------------------------------
# 7. Bounded: linear in depth and siblings for our schema, a finding where libxml2 cannot be bounded


def _project_document(inside_div: str) -> bytes:
    data = serialize(convert_file(SEED, ConvertOptions(ocr=False)).tree).decode()
    start = data.index('<div type="letter">') + len('<div type="letter">')
    return (data[:start] + inside_div + data[data.rindex("</div>"):]).encode()


DEEP_AND_LONG = [
    ("28 nested divs without @type (the 402-byte file that ran for hours)", "<div>" * 28 + "<p>x</p>" + "</div>" * 28, False),
    ("2000 nested divs of an unknown type", '<div type="chapter">' * 2000 + "<p>x</p>" + "</div>" * 2000, False),
    ("2000 nested sections", '<div type="section">' * 2000 + "<p>x</p>" + "</div>" * 2000, True),
    ("100,000 one-character paragraphs", "<p>x</p>" * 100_000, True),
]


@pytest.mark.parametrize(("inside", "valid"), [case[1:] for case in DEEP_AND_LONG], ids=[c[0] for c in DEEP_AND_LONG])
def test_the_project_schema_validates_deep_and_long_documents_within_the_limit(tmp_path, inside, valid):
    """Each took minutes to hours before (libxml2 tried both div patterns at every level, and
    backtracked over siblings); a generous limit only catches a regression, the benchmark
    (benchmarks/validate_adversarial.py) measures the growth."""
    result = validate_bytes(_project_document(inside), "d.xml", tmp_path, builtin("bha"))
    assert "VALIDATION_LIMIT" not in codes(result)
    assert result.valid == valid, result.findings[:3]


def test_a_schema_libxml2_cannot_bound_gives_a_limit_finding_and_the_run_goes_on(tmp_path):
    """Two patterns for one element name in a choice: libxml2 re-validates the subtree for each,
    2^depth. The limit stops it with a finding; the next file is still validated."""
    (tmp_path / "s.rng").write_text(
        f'<grammar xmlns="{RNG}"><start><ref name="d"/></start><define name="d"><choice>'
        '<element name="d"><attribute name="t"><value>a</value></attribute><zeroOrMore><ref name="d"/></zeroOrMore></element>'
        '<element name="d"><attribute name="t"><value>b</value></attribute><zeroOrMore><ref name="d"/></zeroOrMore></element>'
        '</choice></define></grammar>', encoding="utf-8")
    (tmp_path / "a-deep.xml").write_text('<d t="c">' * 40 + "</d>" * 40)
    (tmp_path / "b-fine.xml").write_text('<d t="a"><d t="b"/></d>')
    result = tei("validate", "--time-limit", "2", "--schema", str(tmp_path / "s.rng"), str(tmp_path))
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 1
    assert lines == [f"{tmp_path / 'a-deep.xml'}:0: VALIDATION_LIMIT " + lines[0].split(" VALIDATION_LIMIT ", 1)[1]]
    assert "validation stopped after 2 s" in lines[0]
    assert result.stderr.decode().strip().endswith("1 of 2 file(s) valid")
