"""tei: the text export of banned-historical-archives → scholarly TEI P5 XML.

Library API (the CLI is a thin shell over it):
    convert_file(path, ConvertOptions()) -> Result    # .tree is the TEI document
    convert_paths(paths, output, options, workers) -> Batch   # many files; iterate for outcomes
    serialize(tree) -> bytes;  write_atomic(path, data)
    validate_file(path) -> list[Finding]
"""
__version__ = "0.1.0"

from .convert import ConvertOptions, Result, convert_bytes, convert_document, convert_file  # noqa: E402
from .batch import convert_paths  # noqa: E402
from .reader import parse_export, read_export  # noqa: E402
from .validate import validate_file  # noqa: E402
from .write import serialize, write_atomic  # noqa: E402

__all__ = [
    "__version__", "ConvertOptions", "Result", "convert_bytes", "convert_document", "convert_file", "convert_paths",
    "parse_export", "read_export", "serialize", "validate_file", "write_atomic",
]
