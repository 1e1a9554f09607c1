"""A forked worker process that runs one function call at a time, each with a time limit.

libxml2 cannot be interrupted from Python, and on some inputs its RelaxNG validation takes time
quadratic in the number of errors (or exponential in depth, for a grammar that offers one element
name twice in a choice). The validator runs in this worker; a call that passes its limit gets the
worker killed, and the next call starts a new one. One worker serves a whole run, so what it
compiles (pruned grammars) stays compiled from file to file.

Calls and results are pickled through pipes: this program's own data, never a file's.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import time
import traceback
from collections.abc import Callable
from typing import Any

_LENGTH = struct.Struct("!Q")
_TIMED_OUT = object()


class WorkerError(RuntimeError):
    """The function raised in the worker (a bug): its traceback, as text."""


class TimedWorker:
    """`worker(*args)` → `function(*args)`, computed in a child process; None when it took longer
    than `seconds`. Without fork() (or with `seconds` 0) the function runs in this process; with
    `seconds` None, in a child process without a time limit.

    A call can also be made in two halves, `submit(*args)` then `result()`, so that several workers
    compute at once: `fileno()` becomes readable when the answer (or the child's end) is there.
    """

    def __init__(self, function: Callable[..., Any], seconds: float | None):
        self.function = function
        self.seconds = seconds
        self.pid = 0
        self.requests = self.responses = -1
        self._deadline: float | None = None
        self._submitted: tuple[Any, ...] | None = None

    def __enter__(self) -> "TimedWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, *args: Any) -> Any:
        self.submit(*args)
        return self.result()

    @property
    def in_process(self) -> bool:
        return self.seconds is not None and self.seconds <= 0 or not hasattr(os, "fork")

    def submit(self, *args: Any) -> None:
        """Start computing `function(*args)`; WorkerError when the worker process cannot take it."""
        if self.in_process:
            self._submitted = args
            return
        if not self.pid:
            self._start()
        try:
            _send(self.requests, args)
        except OSError as err:  # the worker died since its last answer (EPIPE)
            self.close()
            raise WorkerError(f"the worker process ended before it took the call ({err.strerror or err})") from err
        except BaseException:  # Ctrl-C: never leave it running
            self.close()
            raise
        self._deadline = None if self.seconds is None else time.monotonic() + self.seconds

    def result(self) -> Any:
        """The value of the submitted call, None when it passed the time limit; WorkerError when the
        function raised or the worker process died."""
        if self.in_process:
            args, self._submitted = self._submitted or (), None
            return self.function(*args)
        try:
            reply = _receive(self.responses, self._deadline)
        except BaseException:  # Ctrl-C, or the worker died: never leave it running
            self.close()
            raise
        if reply is _TIMED_OUT:
            self.close()
            return None
        if reply is None:
            status = os.waitpid(self.pid, 0)[1]
            self.pid = 0
            os.close(self.requests)
            os.close(self.responses)
            raise WorkerError(f"the worker process ended without an answer ({_describe(status)})")
        failed, value = reply
        if failed:
            raise WorkerError(value)
        return value

    def fileno(self) -> int:
        """The pipe the answer comes through (for select); -1 before the worker process starts."""
        return self.responses

    def close(self) -> None:
        """Stop the worker (killed: it may be stuck in libxml2)."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.requests)
            os.close(self.responses)
            self.pid = 0

    def _start(self) -> None:
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow os._exit
            try:  # nothing may unwind into the parent's code, which this child's stack holds a copy of
                os.close(request_write)
                os.close(response_read)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: just end
                _serve(self.function, request_read, response_write)
            finally:
                os._exit(0)
        os.close(request_read)
        os.close(response_write)
        self.pid, self.requests, self.responses = pid, request_write, response_read


def _serve(function: Callable[..., Any], requests: int, responses: int) -> None:  # pragma: no cover - child
    while (args := _receive(requests, None)) is not None:
        try:
            reply = (False, function(*args))
        except Exception:
            reply = (True, traceback.format_exc())
        _send(responses, reply)


def _send(descriptor: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(descriptor, view):]


def _receive(descriptor: int, deadline: float | None) -> Any:
    """The next pickled value from `descriptor`; None at end of file, _TIMED_OUT when the deadline passes."""
    header = _read_exactly(descriptor, _LENGTH.size, deadline)
    if header is None or header is _TIMED_OUT:
        return header
    body = _read_exactly(descriptor, _LENGTH.unpack(header)[0], deadline)
    return body if body is None or body is _TIMED_OUT else pickle.loads(body)


def _read_exactly(descriptor: int, size: int, deadline: float | None) -> Any:
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                return _TIMED_OUT
        chunk = os.read(descriptor, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by signal {signal.Signals(number).name if number in signal.valid_signals() else number}"
    return f"exit status {os.WEXITSTATUS(status)}"
