"""Errors that stop a command with exit status 2: the user's call or configuration is wrong, or
the system refused a write."""


class UsageError(Exception):
    """A bad option, a missing file, a bad configuration: one clear message, exit 2."""


class WriteError(UsageError):
    """A file could not be written (full disk, read-only folder, ...); the old file is intact."""
