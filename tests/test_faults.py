"""Every IO and usage fault is one line and the right exit code, never a traceback (issue #16):
closed or full stdout and stdin, hostile nesting in the TEI read back, bad option values and user
files. In this process where the fault can be staged here (a stdout that is full or closed), in a
new process where it is the process's own (a real /dev/full, a closed file descriptor)."""
from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from conftest import SEED, tei_command as tei
from tei import cli

TEI_NS = "http://www.tei-c.org/ns/1.0"


@pytest.fixture(scope="module")
def seed_xml(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "seed.xml"
    assert tei("convert", "--no-ocr", str(SEED), "-o", str(path)).returncode == 0
    return path


class _FullStdout:
    """A stdout whose every write fails as on a full disk."""

    class buffer:  # noqa: N801 - the attribute sys.stdout has
        @staticmethod
        def write(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    @staticmethod
    def flush():
        pass


def _commands(seed_xml):
    return {
        "convert": ["convert", "--no-ocr", str(SEED)],
        "totext": ["totext", str(seed_xml)],
        "preview": ["preview", str(seed_xml)],
        "cmif": ["cmif", "--url", "https://example.org/l.xml", str(seed_xml)],
        "ocr": ["ocr", str(SEED)],
        "validate": ["validate", "--format", "junit", str(seed_xml)],
    }


@pytest.mark.parametrize("stdout, message", [(_FullStdout, "cannot write to stdout: No space left on device"),
                                             (None, "cannot write to stdout: it is closed")], ids=["full", "closed"])
@pytest.mark.parametrize("command", ["convert", "totext", "preview", "cmif", "ocr", "validate"])
def test_a_full_or_closed_stdout_is_one_line_and_exit_2(command, stdout, message, seed_xml, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(os, "dup2", lambda *args: None)  # the real stdout stays as pytest has it
    with pytest.raises(SystemExit) as ended:
        cli.main(_commands(seed_xml)[command], prog_name="tei")
    assert ended.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("warning:")]
    assert errors[-1] in (f"Error: {message}", "Error: cannot write the report: stdout is closed")


def test_a_real_full_disk_and_a_closed_stdin_in_a_new_process(seed_xml):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "tei", "totext", str(seed_xml)], stdout=full,
                              stderr=subprocess.PIPE)
    assert (done.returncode, done.stderr) == (2, b"Error: cannot write to stdout: No space left on device\n")
    closed = subprocess.run([sys.executable, "-m", "tei", "convert", "--no-ocr", "-"], stdin=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, preexec_fn=lambda: os.close(0))
    assert (closed.returncode, closed.stderr) == (2, b"Error: cannot read '-': stdin is closed\n")


@pytest.mark.parametrize("inside, depth", [("hi", 1000), ("div", 2000)])
@pytest.mark.parametrize("command", ["totext", "preview"])
def test_deep_nesting_is_read_without_recursion(tmp_path, command, inside, depth):
    opening = f"<{inside}>" * depth
    closing = f"</{inside}>" * depth
    body = f"<p>{opening}深{closing}</p>" if inside == "hi" else f"{opening}<p>深</p>{closing}"
    path = tmp_path / "deep.xml"
    path.write_text(f'<TEI xmlns="{TEI_NS}"><text><body>{body}</body></text></TEI>', encoding="utf-8")
    result = tei(command, str(path))
    assert result.returncode == 0 and "深" in result.stdout.decode()


def test_preview_of_a_file_without_text_is_an_error(tmp_path):
    path = tmp_path / "header-only.xml"
    path.write_text(f'<TEI xmlns="{TEI_NS}"><teiHeader/></TEI>', encoding="utf-8")
    result = tei("preview", str(path))
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode() == (f"Error: {path}:1: no <text> element in the TEI namespace "
                                      f"({TEI_NS}): nothing to show\n")


@pytest.mark.parametrize("option", ["--editor", "--title", "--url"])
def test_control_characters_in_cmif_options_are_a_usage_error(option, seed_xml):
    result = tei("cmif", option, "a\x01b", str(seed_xml))
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[-1] == (
        f"Error: Invalid value for '{option}': 'a\\x01b' holds U+0001, which XML 1.0 cannot carry")


@pytest.mark.parametrize("epoch", ["99999999999999999999", "253402300800"])
def test_source_date_epoch_out_of_range_is_a_usage_error(epoch, seed_xml):
    for args in (["convert", "--no-ocr", "--timestamp", str(SEED)], ["cmif", str(seed_xml)]):
        result = tei(*args, env={"SOURCE_DATE_EPOCH": epoch})
        assert result.returncode == 2
        assert result.stderr.decode().splitlines()[-1].endswith(
            f"SOURCE_DATE_EPOCH {epoch} is out of range (a moment from 1970 to the year 9999 in seconds)")


@pytest.mark.parametrize("content, message", [
    ("你\t我\t99999999999999999999\n".encode(), "count of at most 9 digits"),
    (b"\xb1\xea\n", "user.txt:1: not UTF-8 (byte 0xb1); save it as UTF-8"),
    (None, "user.txt: not a regular file"),
])
def test_a_bad_user_file_is_a_usage_error(tmp_path, content, message):
    user_file = tmp_path / "user.txt"
    if content is None:
        os.mkfifo(user_file)  # reading it would block for good
    else:
        user_file.write_bytes(content)
    for command in ("convert", "ocr"):
        result = tei(command, "--user-file", str(user_file), str(SEED))
        assert result.returncode == 2 and message in result.stderr.decode()


def test_byte_order_marks_in_user_files_are_not_text(tmp_path, seed_xml):
    user_file = tmp_path / "user.txt"
    user_file.write_bytes("\ufeff会识\n".encode())
    protected = tei("ocr", "--format", "json", "--user-file", str(user_file), str(SEED))
    assert protected.returncode == 0 and '"sic": "识"' not in protected.stdout.decode().split("莫斯科会")[0]
    authorities = tmp_path / "names.tsv"
    authorities.write_bytes("\ufeff赫鲁晓夫\thttps://example.org/k\n".encode())
    result = tei("cmif", "--url", "https://example.org/l.xml", "--authorities", str(authorities), str(seed_xml))
    assert result.returncode == 0 and b'ref="https://example.org/k"' in result.stdout


def test_an_unreadable_file_named_on_the_command_line_is_a_rejection_and_the_rest_goes_on(tmp_path):
    unreadable = tmp_path / "unreadable.txt"
    unreadable.symlink_to("/proc/self/mem")  # EIO from its start, even for root
    result = tei("convert", "--no-ocr", str(unreadable), str(SEED), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{unreadable}:0: cannot read: Input/output error" in result.stderr.decode().splitlines()
    assert (tmp_path / "out" / f"{SEED.stem}.xml").is_file()


def test_ctrl_c_is_exit_130_with_one_line(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "to_text", interrupted)  # Ctrl-C while the command works (tests/test_batch.py: real ones)
    result = tei("totext", "-", stdin=f'<TEI xmlns="{TEI_NS}"><text/></TEI>'.encode())
    assert result.returncode == 130
    assert result.stderr.decode() == "interrupted (Ctrl-C): stopped; no partial file left\n"
