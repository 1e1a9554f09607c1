"""Serialize once (UTF-8, deterministic) and write atomically."""
from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from lxml import etree

from .build import SCHEMA_FILES
from .errors import OutputError

_SERIAL = itertools.count()
_FOLDERS_MADE: set[str] = set()


def serialize(tree: etree._ElementTree) -> bytes:
    """The document as UTF-8 bytes, the tree left as it is: the same tree always gives the same
    bytes. The builders (build.build_tei, cmif.build_cmif) lay out the whitespace."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8") + b"\n"


_TEMPORARY = re.compile(r"^\..+\.(\d+)\.\d+\.tmp$")
"""The name write_atomic gives a temporary file: `.<name>.<pid>.<serial>.tmp`."""


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder: no partial file, ever."""
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    try:
        if folder not in _FOLDERS_MADE:
            os.makedirs(folder, exist_ok=True)
            _FOLDERS_MADE.add(folder)
        temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.{next(_SERIAL)}.tmp")
        with signals_held():  # Ctrl-C takes effect once the file is written or its temporary gone
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                try:
                    remaining = memoryview(data)
                    while remaining:
                        remaining = remaining[os.write(descriptor, remaining):]
                finally:
                    os.close(descriptor)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from err


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then take effect, also when the block ends
    by an exception: a write, or a batch's clean-up, is never cut short. Outside the main thread
    (where no handler can be set), nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {number: signal.signal(number, lambda number, frame: caught.append(number))
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            signal.raise_signal(caught[0])


def remove_stale_temporaries(folder: str | Path) -> int:
    """Remove the temporary files write_atomic left in `folder` when the process writing them was
    killed (SIGKILL, a power cut): those of processes that no longer run. Returns how many."""
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        match = _TEMPORARY.match(name)
        if match and not _process_runs(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
                removed += 1
    return removed


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's
        return True
    except (ProcessLookupError, OverflowError, ValueError):  # gone, or not a process id at all
        return False
    return True


def write_schemas(output_root: str | Path) -> list[Path]:
    """Write the project schemas every output declares (tei_bha.rng, tei_bha.sch) into `output_root`,
    where the outputs' xml-model hrefs point (tei.build.schema_prefix): an editor that follows them
    (oXygen, VS Code) then validates without network. Files already up to date are left alone."""
    written = []
    for name in SCHEMA_FILES:
        data = (resources.files("tei") / "schemas" / name).read_bytes()
        target = Path(output_root) / name
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError:
            current = None
        if current != data:
            write_atomic(target, data)
            written.append(target)
    return written
