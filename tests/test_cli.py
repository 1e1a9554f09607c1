"""The `tei` command: exit codes, messages, where output goes, atomic and reproducible output, help.

Most tests run the command in this process (conftest.tei_command); those about the process
itself (exit status, a pool of worker processes, pipes, no traceback) start a new one
(conftest.tei_process). OCR marking is switched off (--no-ocr) wherever it is not what a test is
about: it loads 17 MB of data per process.
"""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys

import pytest

from conftest import INPUTS, SEED, parse_tei, tei_command as tei, tei_process, xpath
from tei import ConvertOptions, convert_file, serialize

SEED_XML = SEED.stem + ".xml"
COMMANDS = ("cmif", "convert", "harvest", "ocr", "preview", "review", "totext", "validate")


def test_convert_writes_what_the_library_gives(tmp_path):
    """In another process, byte for byte (test_corpus.py compares OCR-marked output across processes)."""
    result = tei_process("convert", "--no-ocr", str(SEED), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / SEED_XML).read_bytes() == serialize(convert_file(SEED, ConvertOptions(ocr=False)).tree)
    assert result.stdout == b""
    assert result.stderr.decode().startswith(f"converted 1 of 1 file(s) to {tmp_path} in ")


def test_one_input_and_an_xml_output_is_a_file(tmp_path):
    target = tmp_path / "single.xml"
    result = tei("convert", "--no-ocr", str(SEED), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.is_file() and parse_tei(target).getroot().get("{http://www.w3.org/XML/1998/namespace}id")


def test_stdin_and_a_single_file_go_to_stdout_or_to_the_output(tmp_path):
    tei("convert", "--no-ocr", str(SEED), "-o", str(tmp_path))
    expected = (tmp_path / SEED_XML).read_bytes()
    from_stdin = tei_process("convert", "--no-ocr", "-", stdin=SEED.read_bytes())
    assert from_stdin.returncode == 0 and from_stdin.stdout == expected
    assert tei("convert", "--no-ocr", str(SEED)).stdout == expected
    written = tei("convert", "--no-ocr", "-", "-o", str(tmp_path / "stdin.xml"), stdin=SEED.read_bytes())
    assert written.returncode == 0 and written.stdout == b""
    assert (tmp_path / "stdin.xml").read_bytes() == expected
    assert written.stderr.decode() == f"wrote {tmp_path / 'stdin.xml'}\n"


def test_timestamp_honours_source_date_epoch():
    stamped = tei("convert", "--no-ocr", "--timestamp", "-", stdin=SEED.read_bytes(), env={"SOURCE_DATE_EPOCH": "0"})
    assert xpath(parse_tei(stamped.stdout), "string(//t:publicationStmt/t:date/@when)") == "1970-01-01T00:00:00Z"
    plain = tei("convert", "--no-ocr", "-", stdin=SEED.read_bytes()).stdout
    assert b"<date when=\"19" not in plain.split(b"</publicationStmt>")[0]
    bad = tei("convert", "--no-ocr", "--timestamp", "-", stdin=SEED.read_bytes(), env={"SOURCE_DATE_EPOCH": "soon"})
    assert bad.returncode == 2 and b"SOURCE_DATE_EPOCH must be a whole number of seconds" in bad.stderr


def test_batch_goes_on_past_bad_files_and_says_each_rejection_once(tmp_path):
    batch = tmp_path / "in"
    shutil.copytree(INPUTS, batch)
    result = tei_process("convert", "--no-ocr", str(batch), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    bad = sorted(p.name for p in (batch / "bad").iterdir())
    odd = sorted(p.stem + ".xml" for p in (batch / "odd").iterdir())
    assert sorted(p.name for p in (tmp_path / "out" / "odd").iterdir()) == odd
    assert not (tmp_path / "out" / "bad").exists() or list((tmp_path / "out" / "bad").iterdir()) == []
    assert lines[-1].startswith(f"converted {len(odd)} of {len(odd) + len(bad)} file(s) to {tmp_path / 'out'} in ")
    assert lines[-1].endswith(f" s; {len(bad)} rejected")
    rejections = [line for line in lines if line.startswith(f"{batch}/bad/")]
    assert len(rejections) == len(bad) == len({line.split(":")[0] for line in rejections})
    assert f"{batch}/bad/gbk.txt:2: not UTF-8" in "\n".join(rejections)
    assert "Traceback" not in result.stderr.decode()


def test_quiet_and_verbose(tmp_path):
    batch = tmp_path / "in"
    shutil.copytree(INPUTS, batch)
    quiet = tei("convert", "--no-ocr", "-q", str(batch), "-o", str(tmp_path / "q"))
    assert quiet.returncode == 1
    assert all(line.startswith(f"{batch}/bad/") for line in quiet.stderr.decode().splitlines())  # errors only
    verbose = tei("convert", "--no-ocr", "-v", str(batch / "odd"), "-o", str(tmp_path / "v"))
    lines = verbose.stderr.decode().splitlines()
    assert sorted(line for line in lines if line.startswith("wrote ")) == sorted(
        f"wrote {tmp_path / 'v' / (p.stem + '.xml')}" for p in (batch / "odd").iterdir())
    assert tei("convert", "-q", "-v", str(SEED)).returncode == 2


def test_bad_file_leaves_no_output(tmp_path):
    result = tei("convert", "--no-ocr", str(INPUTS / "bad" / "no-header.txt"), "-o", str(tmp_path))
    assert result.returncode == 1
    assert list(tmp_path.iterdir()) == []
    assert result.stderr.decode().splitlines()[0] == (
        f"{INPUTS}/bad/no-header.txt:1: no header: expected an export starting with 'id: <article id>', found '# 标题'")


def test_control_characters_warn_with_a_count(tmp_path):
    result = tei("convert", "--no-ocr", str(INPUTS / "odd" / "control-chars.txt"), "-o", str(tmp_path))
    assert result.returncode == 0
    assert "dropped 3 character(s) that XML 1.0 cannot carry" in result.stderr.decode()


@pytest.mark.parametrize("args", [
    ("convert",),
    ("convert", "does-not-exist.txt"),
    ("convert", "--jobs", "0", str(SEED)),
    ("convert", str(INPUTS / "odd")),  # a folder needs -o DIR
    ("convert", str(SEED), str(SEED)),  # so do several files
    ("convert", str(INPUTS / "odd"), "-o", "all.xml"),  # a folder's files are not one file
    ("validate",),
    ("nonsense",),
])
def test_usage_errors_exit_2(args):
    assert tei(*args).returncode == 2


def test_a_usage_error_is_one_message_and_exit_2_for_the_process():
    result = tei_process("convert", "does-not-exist.txt")
    assert result.returncode == 2 and result.stdout == b""
    assert "Error: Invalid value for 'PATHS...': Path 'does-not-exist.txt' does not exist." in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_empty_folder_is_a_usage_error(tmp_path):
    result = tei("convert", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"no .txt or .json files found in {tmp_path}" in result.stderr.decode()


def test_unwritable_output_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = tei("convert", "--no-ocr", str(SEED), "-o", str(blocker / "sub"))
    assert result.returncode == 2
    assert "cannot write" in result.stderr.decode()


def test_wrong_kind_of_file_gets_a_hint(tmp_path):
    """An export given to a command that reads TEI, and TEI given to one that reads exports."""
    export = tmp_path / "letter.txt"
    shutil.copyfile(SEED, export)
    for command in ("totext", "preview"):
        result = tei(command, str(export))
        assert result.returncode == 1
        assert result.stderr.decode().strip() == (
            f"Error: {export}:1: an export text file, not TEI; convert it first: tei convert {export} -o letter.xml")
    tei_file = tmp_path / "letter.xml"
    tei("convert", "--no-ocr", str(export), "-o", str(tei_file))
    result = tei("convert", str(tei_file), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{tei_file}:1: XML, not a text export" in result.stderr.decode()


def test_validate_accepts_converted_output(tmp_path, seed_bytes):
    (tmp_path / SEED_XML).write_bytes(seed_bytes)
    tei("convert", "--no-ocr", str(INPUTS / "odd"), "-o", str(tmp_path))
    result = tei("validate", str(tmp_path))
    assert result.returncode == 0, result.stdout.decode()
    assert result.stdout == b""
    assert result.stderr.decode().strip().endswith("file(s) valid")


def test_validate_reports_file_line_code(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<wrong/>\n</TEI>\n')
    result = tei("validate", str(bad))
    assert result.returncode == 1
    first = result.stdout.decode().splitlines()[0]
    assert first.startswith(f"{bad}:") and " RELAXNG_ERR_" in first


def test_validate_not_well_formed_and_json(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI><p></TEI>")
    result = tei("validate", "--format", "json", str(broken))
    assert result.returncode == 1
    assert b'"valid": false' in result.stdout and b"ERR_TAG_NAME_MISMATCH" in result.stdout


def test_validate_refuses_entities_without_expanding_them(tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                    '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<TEI>&b;&xxe;</TEI>\n')
    result = tei("validate", str(evil))
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "XML_ENTITY" in out and "root:" not in out and "aaaaaaaaaa" not in out


def test_validate_unusable_schema_exits_2(tmp_path):
    schema = tmp_path / "schema.rnc"
    schema.write_text("element TEI { empty ")
    tei("convert", str(SEED), "-o", str(tmp_path))
    result = tei("validate", "--schema", str(schema), str(tmp_path / SEED_XML))
    assert result.returncode == 2 and result.stdout == b""
    message, = result.stderr.decode().splitlines()
    assert message.startswith(f"Error: {schema}: not a usable RelaxNG compact schema")


def test_ten_megabyte_body_converts_and_validates(tmp_path):
    paragraph = "最近以来，在共产党的报刊上发表了一些文件。" * 50
    body = "\n\n".join([paragraph] * 3000) + "\n\n" + "这是一段没有分段的长文。" * 300_000
    source = tmp_path / "big.txt"
    source.write_text(f"id: big\n标题：大\n日期：1963-11-29\n是否是时间段：false\n作者：甲\n来源：\n标签：\n书籍：书\n"
                      f"书籍作者：\n\n正文：\n{body}\n\n描述：\n\n", encoding="utf-8")
    assert source.stat().st_size > 10_000_000
    assert tei("convert", "--no-ocr", str(source), "-o", str(tmp_path)).returncode == 0
    result = tei("validate", str(tmp_path / "big.xml"))
    assert result.returncode == 0, result.stdout[:300]


def test_convert_honours_a_user_file_of_protected_terms(tmp_path, seed_tree):
    user_file = tmp_path / "mine.txt"
    user_file.write_text("# terms never flagged\n会识\n", encoding="utf-8")
    after_hui = ("count(//t:choice[t:sic='识'][substring(preceding-sibling::node()[1], "
                 "string-length(preceding-sibling::node()[1])) = '会'])")
    assert xpath(seed_tree, after_hui) > 0
    result = tei("convert", "--user-file", str(user_file), str(SEED))
    assert result.returncode == 0, result.stderr
    protected = parse_tei(result.stdout)
    assert xpath(protected, after_hui) == 0
    assert "莫斯科会识的宣言" in xpath(protected, "string(//t:body)")


def test_convert_rejects_a_bad_user_file_as_usage_error(tmp_path):
    user_file = tmp_path / "bad.txt"
    user_file.write_text("ab\tc\n", encoding="utf-8")
    result = tei("convert", "--user-file", str(user_file), str(SEED), "-o", str(tmp_path))
    assert result.returncode == 2
    assert f"{user_file}:1: expected wrong<TAB>right[<TAB>count]" in result.stderr.decode()
    assert not (tmp_path / SEED_XML).exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_quiet_verbose_and_an_example(command):
    text = tei(command, "--help").stdout.decode()
    assert "-q, --quiet" in text and "-v, --verbose" in text
    assert f"\n    tei {command} " in text.split("Examples:")[1]


def test_help_lists_every_command_in_full():
    text = tei("--help").stdout.decode()
    listed = [line.split()[0] for line in text.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS) and "…" not in text and "..." not in text.split("Commands:")[1]


def test_messages_wait_until_the_progress_bar_is_done(tmp_path):
    """On a terminal a batch shows a progress bar; what it has to say comes after the bar, once."""
    batch = tmp_path / "in"
    shutil.copytree(INPUTS, batch)
    terminal, stderr = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "tei", "convert", "--no-ocr", str(batch), "-o", str(tmp_path / "out")],
                               stdout=subprocess.DEVNULL, stderr=stderr)
    os.close(stderr)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the terminal's other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert process.wait() == 1
    text = shown.decode()
    bar_ends = text.rindex("converting")
    messages = text[bar_ends:].split("\n", 1)[1]
    bad = sorted(p.name for p in (batch / "bad").iterdir())
    assert "converting" in text[:bar_ends + 1] and f"{batch}/bad/" not in text[:bar_ends]
    assert sorted(line.split(":")[0] for line in messages.splitlines() if line.startswith(f"{batch}/bad/")) == sorted(
        f"{batch}/bad/{name}" for name in bad)


@pytest.mark.parametrize(("command", "marker"), [
    (("totext", "-"), "苏共中央".encode()),
    (("preview", "-"), b"<!DOCTYPE html>"),
    (("cmif", "--url", "https://example.org/l.xml", "-"), b"<correspDesc"),
])
def test_dash_reads_one_tei_document_from_stdin(command, marker, tmp_path):
    converted = tei("convert", "--no-ocr", "-", stdin=SEED.read_bytes()).stdout
    result = tei(*command, stdin=converted)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout


def test_dash_reads_one_export_from_stdin_for_ocr():
    result = tei("ocr", "--format", "json", "-", stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b'{"file": "-"')


_FORK_WATCH = """
import atexit, os, runpy, sys
fork, forks = os.fork, []
def watched_fork():
    pid = fork()
    if pid:  # the parent, its threads counted once fork() is done, as Python 3.12 does to warn
        forks.append(len(os.listdir("/proc/self/task")))
    return pid
os.fork = watched_fork
atexit.register(lambda: print("threads at each fork:", *forks, file=sys.stderr))
sys.argv[0] = "tei"
runpy.run_module("tei", run_name="__main__")
"""


@pytest.mark.parametrize("command", [("convert", "--jobs", "2", "-o", "out"), ("ocr", "--jobs", "2"),
                                     ("validate", "--time-limit", "60")])
def test_the_command_forks_its_workers_from_a_single_thread(tmp_path, command):
    """A process that forks while it runs other threads can leave a lock held in the child, which
    then waits forever (Python 3.12 warns about it): the command starts no thread of its own. (The
    thread numpy's OpenBLAS starts is stopped by OpenBLAS itself when the process forks.)"""
    for name in ("a", "b"):
        shutil.copy(SEED, tmp_path / f"{name}.txt")
    if command[0] == "validate":
        assert tei("convert", "--no-ocr", str(tmp_path / "a.txt"), "-o", str(tmp_path / "a.xml")).returncode == 0
        inputs = [str(tmp_path / "a.xml")]
    else:
        inputs = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    done = subprocess.run([sys.executable, "-c", _FORK_WATCH, *command, *inputs], cwd=tmp_path,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    counts = done.stderr.decode().splitlines()[-1].split(":")[1].split()
    assert counts and set(counts) == {"1"}, done.stderr
