"""Errors that stop a command with exit status 2: the user's call or configuration is wrong."""


class UsageError(Exception):
    """A bad option, a missing file, a bad configuration: one clear message, exit 2."""
