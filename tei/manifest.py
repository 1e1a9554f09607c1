"""What `tei convert` wrote into an output folder: the record that makes a second run incremental
(nothing up to date is redone) and safe (a file edited since the tool wrote it is never overwritten
unless asked).

One JSON file at the output root, `.tei-convert.json`, holds for each TEI file (by its path
relative to the root) three sha256 digests: of the export it was made from, of the settings it was
made with (`settings_digest`: the tool's version and code and every field of ConvertOptions; the
batch counts only the review decisions of the file's own document), and of the bytes written, with
the document's article id. A file whose bytes still match is the tool's own; if its input and settings
match too it is up to date. A file a person edited that was found, at some input and settings, to
hold more than the review decisions carry is marked so (`kept`) and not checked again at those.
The TEI files themselves carry nothing of this: they stay byte for byte what the converter makes,
and an editor that reformats a file cannot damage the record.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from . import __version__
from .write import write_atomic

MANIFEST_NAME = ".tei-convert.json"
_FORMAT = 1


@dataclasses.dataclass(frozen=True)
class Record:
    """How one TEI file was made: sha256 digests of its input, its settings and its bytes, and the
    article id of the document it holds (whose review decisions count among its settings)."""

    input: str
    settings: str
    output: str
    document: str = ""
    kept: str = ""
    """Set when the file was found edited, and not only in readings the review decisions carry
    (harvest.lost_edit): the digest of that state (kept_state), so it is not checked again."""
    lost: str = ""
    """What of that edit the review decisions do not carry (harvest.lost_edit), to say so again."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kept_state(existing: bytes, input_digest: str, settings: str) -> str:
    """The digest of an edited file's bytes with the input and settings it was checked against."""
    return digest(f"{digest(existing)}\n{input_digest}\n{settings}".encode())


class Manifest:
    """The records of one output folder, read once and written back (atomically) by `save`."""

    def __init__(self, folder: Path, records: Mapping[str, Record] | None = None):
        self.folder = folder
        self.path = folder / MANIFEST_NAME
        self.records = dict(records or {})
        self.changed = False

    @classmethod
    def load(cls, folder: Path) -> tuple["Manifest", str]:
        """The folder's manifest, and a warning ("" when none) when one is there but unusable: it
        is then treated as empty, which is safe (a file without a record is never overwritten
        unless it is what the tool makes anyway)."""
        try:
            data = json.loads(cls(folder).path.read_bytes())
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {_FORMAT}")
            records = {name: Record(**fields) for name, fields in data["files"].items()}
        except FileNotFoundError:
            return cls(folder), ""
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
            return cls(folder), (f"{folder / MANIFEST_NAME}: not usable ({err}); files without a record are kept "
                                 "unless they are what tei convert makes now")
        return cls(folder, records), ""

    def _key(self, target: Path) -> str:
        return PurePath(os.path.relpath(target, self.folder)).as_posix()

    def get(self, target: Path) -> Record | None:
        return self.records.get(self._key(target))

    def record(self, target: Path, record: Record) -> None:
        self.records[self._key(target)] = record
        self.changed = True

    def save(self) -> None:
        """Write the manifest if it changed. Raises OutputError when it cannot be written."""
        if not self.changed:
            return
        files = {name: _fields(record) for name, record in sorted(self.records.items())}
        data = json.dumps({"format": _FORMAT, "tool": "tei convert", "files": files}, indent=1, ensure_ascii=False)
        write_atomic(self.path, data.encode("utf-8") + b"\n")
        self.changed = False


def _fields(record: Record) -> dict[str, str]:
    """A record's fields, but the optional ones left at their default."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)
            if field.default is dataclasses.MISSING or getattr(record, field.name) != field.default}


def settings_digest(options: object) -> str:
    """What, besides the input, decides the bytes `tei convert` writes: the tool's version, a digest
    of its code and data, and every field of `options` (a dataclass) whatever fields it has, so a
    field added later is covered without this function knowing of it. A field that names a file
    (a Path) counts by the file's content."""
    settings = {"version": __version__, "code": code_digest(), "options": canonical(options)}
    return digest(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def canonical(value: Any) -> Any:
    """`value` as plain JSON data that is equal exactly when the values are."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__qualname__,
                **{field.name: canonical(getattr(value, field.name)) for field in dataclasses.fields(value)}}
    if isinstance(value, Enum):
        return canonical(value.value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, PurePath):
        return {"path": str(value), "sha256": _file_digest(Path(value))}
    if isinstance(value, (bytes, bytearray)):
        return {"sha256": digest(bytes(value))}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(item) for item in value), key=json.dumps)
    if isinstance(value, Mapping):
        return sorted(([canonical(key), canonical(item)] for key, item in value.items()), key=json.dumps)
    return {"type": type(value).__qualname__, "repr": repr(value)}


def _file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes()) if path.is_file() else None
    except OSError:
        return None


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 of the package's code, data and schemas (about 30 ms, once per process): a changed
    converter makes every output out of date even when the version number stayed the same."""
    package = Path(__file__).resolve().parent
    files = sorted(path for pattern in ("*.py", "data/*", "schemas/*") for path in package.glob(pattern)
                   if path.is_file())
    hasher = hashlib.sha256()
    for path in files:
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
        hasher.update(digest(path.read_bytes()).encode())
    return hasher.hexdigest()


__all__ = ["MANIFEST_NAME", "Manifest", "Record", "canonical", "code_digest", "digest", "kept_state", "settings_digest"]
