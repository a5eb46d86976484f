"""The toolkit's own exceptions: each carries a message a journalist understands.

The CLI turns any :class:`ToolkitError` into one line on stderr and a non-zero exit code.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class: a problem the user can fix, explained in one line."""

    exit_code = 2


class InputError(ToolkitError):
    """The input file (or an argument naming it) cannot be used as it is.

    ``path`` and ``line`` are optional; when given they lead the message so that the user
    knows where to look: ``leak.csv, line 12: 3 fields where the header has 48``.
    """

    def __init__(self, message: str, path: object | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class BoundaryError(ToolkitError):
    """A frame with personal data was handed to code that accepts only the safe table."""


class DisclosureError(ToolkitError):
    """An export would publish personal data or a cell below the disclosure threshold."""
