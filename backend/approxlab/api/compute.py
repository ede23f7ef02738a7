"""Bounded, fair, coalesced computation off the event loop.

Every cache miss runs on a small dedicated thread pool — never the event loop, never the
thread pool that serves health and static files — under three bounds:

* **single flight**: identical in-flight requests (the same cache key) share one
  computation; the followers wait for the leader's result and cost nothing.
* **a cost-weighted semaphore**: each job carries its estimated peak memory (MB, from the
  validated parameters, :mod:`approxlab.api.cost`); the jobs running at once never exceed
  ``budget_mb`` together, nor ``threads`` in number, and *heavy* jobs (above
  ``heavy_mb``) take at most ``threads - 1`` slots, so a cheap request — a student's
  slider — always finds a thread even while expensive requests queue.  A job costing
  more than the whole budget is refused (:class:`OverBudgetError`, a 422).
* **a bounded queue**: at most ``queue`` jobs wait for admission, each at most
  ``queue_timeout`` seconds; beyond either, :class:`BusyError` (503 with ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def lower_priority() -> None:
    """Raise this thread's (or a child process's main thread's) niceness (Linux: per
    thread; elsewhere a no-op)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HEAVY_NICE)


#: Niceness of the threads computing heavy requests.
HEAVY_NICE = 10

#: Linux prctl option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to end this process when the server that spawned it dies, even by SIGKILL
    (an orphaned heavy-job process would otherwise keep its memory; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before the call
            os._exit(0)


def heavy_process_init() -> None:
    """Initializer of the heavy-job process: lower priority, and gone with the server."""
    die_with_parent()
    lower_priority()


class BusyError(Exception):
    """The queue is full or the wait too long: answer 503 with ``Retry-After``."""

    def __init__(self, message: str, retry_after: int = 2):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class OverBudgetError(Exception):
    """One request's estimated cost exceeds the whole per-process budget (a 422)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class _Waiter:
    cost: float
    heavy: bool
    event: asyncio.Event


@dataclass
class Stats:
    computed: int = 0
    coalesced: int = 0
    refused_busy: int = 0


class Flight(Generic[T]):
    """The outcome of :meth:`ComputePool.run`: the value, whether this request computed it
    (``False``: it joined an identical request in flight), and the compute time."""

    __slots__ = ("leader", "seconds", "value")

    def __init__(self, value: T, leader: bool, seconds: float):
        self.value, self.leader, self.seconds = value, leader, seconds


class ComputePool:
    def __init__(
        self,
        threads: int = 2,
        queue: int = 16,
        budget_mb: float = 768.0,
        heavy_mb: float = 64.0,
        queue_timeout: float = 20.0,
        heavy_in_process: bool = True,
    ):
        self.heavy_in_process = heavy_in_process
        self.threads = max(1, threads)
        self.max_queue = queue
        self.budget_mb = budget_mb
        self.heavy_mb = heavy_mb
        self.queue_timeout = queue_timeout
        self.heavy_slots = max(1, self.threads - 1)
        self._executor: ThreadPoolExecutor | None = None
        self._heavy_executor: Executor | None = None
        self._inflight: dict[str, asyncio.Future[Any]] = {}
        self._waiters: list[_Waiter] = []
        self._running = 0
        self._running_heavy = 0
        self._running_cost = 0.0
        self.stats = Stats()

    def executor(self, heavy: bool) -> Executor:
        """Light jobs run on threads of this process; heavy jobs in a separate process at a
        lower CPU priority (nice +10), so they hold neither this process's GIL nor a core
        that the event loop or a light job wants (``heavy_in_process=False``: threads)."""
        if heavy:
            if self._heavy_executor is None:  # created on first use: nothing on import
                if self.heavy_in_process:
                    extra = {"max_tasks_per_child": 64} if sys.version_info >= (3, 11) else {}
                    self._heavy_executor = ProcessPoolExecutor(
                        self.heavy_slots,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=heavy_process_init,
                        **extra,
                    )
                else:
                    self._heavy_executor = ThreadPoolExecutor(
                        self.heavy_slots, "approxlab-heavy", initializer=lower_priority
                    )
            return self._heavy_executor
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, "approxlab-compute")
        return self._executor

    def shutdown(self) -> None:
        for ex in (self._executor, self._heavy_executor):
            if ex is not None:
                ex.shutdown(wait=False, cancel_futures=True)
        self._executor = self._heavy_executor = None

    @property
    def queued(self) -> int:
        return len(self._waiters)

    async def run(
        self, key: str, cost_mb: float, fn: Callable[[], T], heavy: bool | None = None
    ) -> Flight[T]:
        """Compute ``fn()`` once per ``key`` in flight, within the bounds above (``heavy``
        defaults to ``cost_mb > heavy_mb``; a heavy ``fn`` must be picklable)."""
        pending = self._inflight.get(key)
        if pending is not None:
            self.stats.coalesced += 1
            value, seconds = await asyncio.shield(pending)
            return Flight(value, False, seconds)
        heavy = cost_mb > self.heavy_mb if heavy is None else heavy
        if cost_mb > self.budget_mb:
            raise OverBudgetError(
                f"this request would need about {cost_mb:,.0f} MB, more than the server's "
                f"per-process compute budget of {self.budget_mb:,.0f} MB"
            )
        if len(self._waiters) >= self.max_queue and not self._fits(cost_mb, heavy):
            self.stats.refused_busy += 1
            raise BusyError(f"the server is busy ({self.max_queue} computations waiting)")
        task = asyncio.ensure_future(self._lead(cost_mb, heavy, fn))
        self._inflight[key] = task
        task.add_done_callback(lambda t: self._done(key, t))
        value, seconds = await asyncio.shield(task)
        return Flight(value, True, seconds)

    def _done(self, key: str, task: asyncio.Future[Any]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved: every waiter may have gone away

    async def _lead(self, cost_mb: float, heavy: bool, fn: Callable[[], T]) -> tuple[T, float]:
        await self._admit(cost_mb, heavy)
        try:
            loop = asyncio.get_running_loop()
            t0 = time.perf_counter()
            value = await loop.run_in_executor(self.executor(heavy), fn)
            self.stats.computed += 1
            return value, time.perf_counter() - t0
        finally:
            self._running -= 1
            self._running_cost -= cost_mb
            self._running_heavy -= heavy
            self._wake()

    def _fits(self, cost_mb: float, heavy: bool | None = None) -> bool:
        heavy = cost_mb > self.heavy_mb if heavy is None else heavy
        if self._running >= self.threads:
            return False
        if heavy and self._running_heavy >= self.heavy_slots:
            return False
        return self._running == 0 or self._running_cost + cost_mb <= self.budget_mb

    async def _admit(self, cost_mb: float, heavy: bool) -> None:
        if not self._waiters and self._fits(cost_mb, heavy):
            self._take(cost_mb, heavy)
            return
        waiter = _Waiter(cost_mb, heavy, asyncio.Event())
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.event.wait(), self.queue_timeout)
        except asyncio.TimeoutError:
            if waiter.event.is_set():  # admitted just as the wait ran out
                return
            self._waiters.remove(waiter)
            self.stats.refused_busy += 1
            raise BusyError(
                f"the server is busy (waited {self.queue_timeout:g} s for a compute slot)"
            ) from None
        except BaseException:
            if waiter.event.is_set():  # admitted, then cancelled: give the slot back
                self._running -= 1
                self._running_cost -= cost_mb
                self._running_heavy -= heavy
                self._wake()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _take(self, cost_mb: float, heavy: bool) -> None:
        self._running += 1
        self._running_cost += cost_mb
        self._running_heavy += heavy

    def _wake(self) -> None:
        """Admit waiters in arrival order, letting a job that fits pass one that does not
        (a cheap slider request never waits behind an expensive one)."""
        for waiter in list(self._waiters):
            if self._fits(waiter.cost, waiter.heavy):
                self._waiters.remove(waiter)
                self._take(waiter.cost, waiter.heavy)
                waiter.event.set()
