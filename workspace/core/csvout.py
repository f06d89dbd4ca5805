"""The one way the app writes CSV: cells a spreadsheet would run as a formula are neutralised.

OWASP's rule (CSV injection): a text cell beginning with "=", "+", "-", "@", a tab or a carriage
return gets a single quote in front, so a programme named ``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """The cell as written: text that would start a formula is prefixed with a single quote;
    numbers and everything else are left as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


class SafeWriter:
    """A ``csv.writer`` whose every text cell goes through :func:`neutralise`."""

    def __init__(self, out: io.TextIOBase | io.StringIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, neutralised."""
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write several rows, neutralised."""
        for row in rows:
            self.writerow(row)
