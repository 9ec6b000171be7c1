"""How the project's commands end: a user's mistake is one line, an interrupt leaves nothing behind.

Every ``python -m analysis...`` entry point runs its body through :func:`run`:

- an error a user can cause (a :class:`UserError`, or one of the errors listed
  in ``USER_ERRORS`` such as a missing file or a full disk) is printed as one
  line, ``error: <what>``, and the command exits with status 2; the traceback
  is shown only when ``TWEETERWOOD_DEBUG=1``;
- SIGTERM is turned into :class:`KeyboardInterrupt`, so that ``finally`` blocks
  (temporary files of :mod:`analysis.files`, staging folders, locks) run on
  ``kill`` as on Ctrl-C; an interrupt exits with status 130 and one line.

Anything else (a bug) keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import traceback
from collections.abc import Callable

__all__ = [
    "DEBUG_VARIABLE",
    "UserError",
    "USER_ERRORS",
    "USER_ERRNOS",
    "debug",
    "one_line",
    "terminate_as_interrupt",
    "run",
]

DEBUG_VARIABLE = "TWEETERWOOD_DEBUG"


class UserError(RuntimeError):
    """Something the user can fix: the message says what, where, and what to do."""


# errors a user causes; an OSError counts only with one of these numbers (others are bugs or the machine's)
USER_ERRORS: tuple[type[BaseException], ...] = (UserError, OSError)
USER_ERRNOS = (errno.ENOENT, errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EISDIR,
               errno.ENOTDIR)  # fmt: skip


def debug() -> bool:
    """Whether ``TWEETERWOOD_DEBUG`` asks for tracebacks."""
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0", "false", "no")


def one_line(error: BaseException) -> str:
    """The error as one line (an OSError names its file and what to do about a full or read-only disk)."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" writing {error.filename}" if error.filename else ""
        return f"the disk is full{where}; free some space and run again"
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        where = f" {error.filename}" if error.filename else ""
        return f"cannot write{where} ({os.strerror(error.errno)}); make the folder writable and run again"
    if isinstance(error, FileNotFoundError) and error.filename and not error.args[1:]:
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    text = " ".join(str(error).split())
    return text or type(error).__name__


def terminate_as_interrupt() -> None:
    """Make SIGTERM raise KeyboardInterrupt in the main thread (so cleanup runs)."""

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def run(main: Callable[[], int | None], user_errors: tuple[type[BaseException], ...] = ()) -> int:
    """Run ``main`` as a command: returns the exit status (0, 2 for a user error, 130 for an interrupt)."""
    terminate_as_interrupt()
    user_errors = tuple(user_errors)
    caught = USER_ERRORS + user_errors
    try:
        status = main()
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was kept; run again to continue", file=sys.stderr)
        return 130
    except caught as error:
        if isinstance(error, OSError) and not isinstance(error, user_errors) and error.errno not in USER_ERRNOS:
            raise
        if debug():
            traceback.print_exc()
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 2
    return int(status or 0)
