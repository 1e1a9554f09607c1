"""tei: the text export of banned-historical-archives → scholarly TEI P5 XML, and a TEI validator.

Library API (the CLI is a thin shell over it):
    convert_file(path, ConvertOptions()) -> Result    # .tree is the TEI document
    convert_paths(paths, output, options, workers) -> Batch   # many files; iterate for outcomes
    serialize(tree) -> bytes;  write_atomic(path, data)
    read_decisions(paths) -> decisions;  ConvertOptions(decisions=...), learn_from(options, decisions)
    validate_file(path) -> list[Finding];  validate_paths(paths) -> Iterator[FileResult]

convert_paths with workers > 1 and validate_paths with a time limit fork worker processes: call them
where no other thread runs (or with workers=1, time_limit=0), as a child forked while another thread
holds a lock can wait on it forever (Python 3.12 warns about it).

Names are imported on first use, so `tei validate` does not pay for the converter's modules.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "ConvertOptions": "convert", "Result": "convert", "convert_bytes": "convert", "convert_document": "convert",
    "convert_file": "convert", "convert_paths": "batch", "parse_export": "reader", "read_export": "reader", "validate_file": "validate",
    "read_decisions": "decisions", "learn_from": "convert",
    "validate_paths": "validate", "serialize": "write", "write_atomic": "write",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tei' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
