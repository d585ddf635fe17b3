"""The one error type the tools report to users: one line, exit code 2."""


class CheckError(Exception):
    """The check could not run; ``str(error)`` is the line shown to the user."""
