"""Work done by a child process on the machine's second core while this process does its own.

The child is made by ``os.fork``: it starts with everything this process has built (no start-up,
no arguments to send), does one piece of work and leaves its result, pickled, in a temporary file
(a pipe took a few hundredths of a second more for a million paths, 64 KiB at a time).
It never prints, runs no exit handler and flushes no inherited buffer (it ends with ``os._exit``).
Whatever goes wrong in it (it raised, died, sent nothing readable), ``result`` says None and the
caller does the work itself, as a run without a child does: the same result, the same error.
"""

from __future__ import annotations

import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable
from types import TracebackType
from typing import IO, Generic, TypeVar

__all__ = ["Child", "cores", "may_fork"]

T = TypeVar("T")
_LENGTH_BYTES = 8  # the pickled header's length, first in the file


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def may_fork() -> bool:
    """Can a child share the work: ``os.fork`` exists (not on Windows), a second core may run it,
    and no other thread runs, Python's or a library's (a fork copies a lock another
    thread holds; Python 3.12 warns of it)."""
    return hasattr(os, "fork") and cores() > 1 and _threads() == 1


def _threads() -> int:
    """The threads of this process: the system's count where it tells (Linux), else Python's."""
    try:
        return max(len(os.listdir("/proc/self/task")), threading.active_count())
    except OSError:
        return threading.active_count()


class Child(Generic[T]):
    """``work()`` run in a forked child; ``result`` waits for what it left. ``work`` returns
    ``(header, blob)``: ``header`` is pickled, ``blob`` (bytes, large: a million paths) is sent
    as it is and given back as a memoryview, so that it is never copied by pickle. Use it as a
    context manager: the child is always waited for (killed, when its result is not wanted).
    ``start=False`` starts none (``result`` is None): the caller's one code path, without a child.
    """

    def __init__(self, work: Callable[[], tuple[T, bytes]], start: bool = True) -> None:
        self._pid: int | None = None
        self._file: IO[bytes] | None = None
        if not start:
            return
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
            pid = os.fork()
        except OSError:  # no temporary file, or no process left to make: the caller works alone
            self.__exit__(None, None, None)
            return
        if pid == 0:  # the child: never returns
            _run_child(work, self._file.fileno())
        self._pid = pid

    @property
    def started(self) -> bool:
        return self._pid is not None

    def result(self) -> tuple[T, memoryview] | None:
        """What the child sent, or None when it failed (or none was started). Read once."""
        if self._pid is None or self._file is None or not self._reaped_cleanly():
            return None
        try:
            self._file.seek(0)
            sent = self._file.read()
        except OSError:
            return None
        finally:
            self._file.close()
            self._file = None
        if len(sent) < _LENGTH_BYTES:
            return None
        length = int.from_bytes(sent[:_LENGTH_BYTES], "little")
        end = _LENGTH_BYTES + length
        try:
            header: T = pickle.loads(sent[_LENGTH_BYTES:end])
        except Exception:  # half a message: the child did not finish it
            return None
        return header, memoryview(sent)[end:]

    def _reaped_cleanly(self) -> bool:
        assert self._pid is not None
        pid, self._pid = self._pid, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by someone else: its result is not known good
            return False
        return os.waitstatus_to_exitcode(status) == 0

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._pid is not None:
            pid, self._pid = self._pid, None
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # it has ended, and been reaped, already
                pass


def _run_child(work: Callable[[], tuple[T, bytes]], fd: int) -> None:
    """The child's whole life: do the work, send it, and end without running what the parent
    registered for its own exit. Its output goes nowhere: only the parent talks to the user."""
    code = 1
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        header, blob = work()
        message = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
        with open(fd, "wb", closefd=False) as out:  # the file is the parent's to close
            out.write(len(message).to_bytes(_LENGTH_BYTES, "little"))
            out.write(message)
            out.write(blob)
        code = 0
    except BaseException:  # the parent does the work again and meets the error itself
        pass
    finally:
        os._exit(code)
