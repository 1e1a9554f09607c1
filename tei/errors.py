"""Errors the library raises; only the CLI turns them into messages and exit codes."""
from __future__ import annotations


class TeiError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(TeiError):
    """An export file that cannot be read, with the place and what was expected there."""

    def __init__(self, path: str, line: int, message: str):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")


class DecisionError(InputError):
    """A review decisions file (tei.decisions) that cannot be read, with the line and what was expected."""


class SchemaError(TeiError):
    """A schema (RelaxNG or Schematron) that cannot be loaded or compiled."""


class OutputError(TeiError):
    """A TEI file that cannot be written."""


class UncoveredText(TeiError):
    """A structure that leaves body text outside every element, or overlaps: a bug upstream."""


class InvalidOutput(TeiError):
    """A converted document that would not be valid against the project schema: never written."""


class NotTeiError(TeiError):
    """The document has no TEI `<text>` element to read."""


class ConfigError(TeiError):
    """A setting from the environment (SOURCE_DATE_EPOCH) that cannot be used."""


class BatchError(TeiError):
    """A batch that cannot be planned: no input files, or outputs that would collide."""
