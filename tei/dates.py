"""The export's `y-m-d` dates (0 for an unknown part) → ISO 8601 partial dates; the time a
file is made, reproducible through SOURCE_DATE_EPOCH."""
from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import ConfigError

_YMD = re.compile(r"^(\d{1,4})(?:-(\d{1,4}))?(?:-(\d{1,4}))?$")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int = 0
    day: int = 0

    @property
    def iso(self) -> str | None:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; None when the year is unknown.

        An impossible day (1963-02-30) keeps only the year and month: the record's text stays
        as written, only the machine-readable value is less precise. A date no calendar has
        (2011-3-38, 1967-2-306: see `impossible`) has none.
        """
        if self.year <= 0 or self.impossible:
            return None
        if self.month <= 0:
            return f"{self.year:04d}"
        if self.day <= 0 or self.day > calendar.monthrange(self.year, self.month)[1]:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def impossible(self) -> bool:
        """A month past 12 or a day past 31: kept as written, with no machine-readable value."""
        return self.month > 12 or self.day > 31

    @property
    def earliest(self) -> tuple[int, int, int]:
        """The first day the date can mean, as (year, month, day): 1963-05 → (1963, 5, 1)."""
        return self.year, self.month or 1, self.day or 1

    @property
    def latest(self) -> tuple[int, int, int]:
        """The last day the date can mean: 1963 → (1963, 12, 31); an impossible day counts as 31."""
        return self.year, self.month or 12, self.day or 31


def in_order(start: PartialDate, end: PartialDate) -> bool:
    """Whether a period from `start` to `end` can run forwards: the earliest day `start` can mean is
    not after the latest day `end` can mean (1963-05 to 1963 can; 1970 to 1960 cannot). A date whose
    year is unknown cannot contradict the other."""
    return start.year <= 0 or end.year <= 0 or start.earliest <= end.latest


def parse_ymd(text: str) -> PartialDate:
    """Parse one `y-m-d` date (an impossible one too: see PartialDate.impossible); raise
    ValueError saying what is wrong when it is not of that form."""
    match = _YMD.match(text.strip())
    if not match:
        raise ValueError(f"expected a date y-m-d with 0 for an unknown part, found {text!r}")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    return PartialDate(year, month, day)


def impossible_date_warning(where: str, text: str) -> str:
    """The warning for a date no calendar has, which is kept as written with no @when."""
    return f"{where}: impossible date {text!r} kept as written, without a machine-readable value (@when)"


def is_iso_partial(value: str) -> bool:
    """True for `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the forms the schema allows)."""
    return bool(re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?", value))


def build_time() -> datetime:
    """Now (UTC, whole seconds), or the moment SOURCE_DATE_EPOCH gives when it is set, so that a
    file stamped with the time it was made can still be reproduced byte for byte.

    Raises:
        ConfigError: SOURCE_DATE_EPOCH is set but not a whole number of seconds, or out of range.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch and not (epoch.isdecimal() and epoch.isascii()):
        raise ConfigError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, found {epoch[:40]!r}")
    if not epoch:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    except (OverflowError, ValueError, OSError) as err:  # past year 9999, or what the platform's time_t holds
        raise ConfigError(f"SOURCE_DATE_EPOCH {epoch[:40]} is out of range (a moment from 1970 to the year 9999 "
                          "in seconds)") from err
