"""Read an input file without ever blocking or reading forever: the one way every command reads
the files it is given (exports, the archive's JSON, TEI, decisions)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .model import Finding


def read_regular_file(path: Path) -> tuple[bytes | None, Finding | str]:
    """The bytes of a regular file, or (None, a finding for an unreadable one / why it is not a
    regular file: a caller skips it, or refuses it).

    Opened without blocking and checked before reading, so a FIFO never blocks and a device such
    as /dev/zero is never read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as err:
        return None, Finding(str(path), 0, "IO_ERROR", f"cannot read: {err.strerror or err}")
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):  # checked before fdopen, which refuses a folder with an exception
            os.close(descriptor)
            return None, f"not a regular file ({_file_kind(mode)})"
        with os.fdopen(descriptor, "rb") as stream:
            return stream.read(), ""
    except OSError as err:
        return None, Finding(str(path), 0, "IO_ERROR", f"cannot read: {err.strerror or err}")


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a file"
