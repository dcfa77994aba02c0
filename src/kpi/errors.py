"""Errors a user can act on.

`UnusableInput` means the run cannot go on (a file missing, a required column absent,
a config key misspelt). The command line turns it into one clear line and exit status 2,
never a traceback.
"""


class UnusableInput(Exception):
    """Input the tool cannot use at all; the message names the file and the problem."""


class ConfigError(UnusableInput):
    """A problem in kpi.yml; the message names the key."""
