"""Errors a user can act on. The CLI prints them as one line and exits non-zero; anything else is a bug."""

from __future__ import annotations


class FactcheckError(Exception):
    """A problem the user can fix: shown as one line, never as a traceback."""

    exit_code = 1


class StoreError(FactcheckError):
    """The database cannot be opened, is not ours, is newer than us, or a record is missing."""


class ReviewError(FactcheckError):
    """A review action broke a rule (unknown claim, missing evidence, nothing to undo...)."""


class InputError(FactcheckError):
    """A file or argument cannot be used."""
