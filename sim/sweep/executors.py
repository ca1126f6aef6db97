"""Where a sweep's tasks run: in this process, a local process pool, or Dask distributed.

Every executor has the same shape: a context manager with ``workers`` (how
many tasks run at once) and ``run(fn, tasks)``, which yields results in the
order tasks finish while keeping at most ``2 * workers`` tasks in flight, so
memory stays flat however many points a sweep has. Results never depend on
the executor: a task's outcome is a function of the task alone.

Dask is imported only by :class:`DaskExecutor` and is an optional extra
(``pip install coalition-sim[dask]``).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Iterable, Iterator, Optional


class ExecutorError(RuntimeError):
    """An executor cannot start or lost its workers (the sweep stops; ``--resume`` continues it)."""


class _Base:
    kind = "base"
    workers = 1
    least_task_share = 0.1
    """Smallest task, as a share of the target task length: what one task costs decides it."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release workers."""

    def describe(self) -> dict:
        """What ran the sweep (for ``sweep.json``)."""
        return {"kind": self.kind, "workers": self.workers}


class SerialExecutor(_Base):
    """Run tasks one after another in this process (``--workers 1``)."""

    kind = "serial"

    def run(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(task)`` for each task, in order."""
        for task in tasks:
            yield fn(task)


def _pool_context():
    """A forkserver whose server has already imported the worker (fast, thread-safe starts); else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.sweep.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


def _quiet_worker(main_pid: Optional[int] = None, token: Optional[str] = None) -> None:
    """Workers ignore Ctrl-C (the parent stops the sweep, cancels what is queued and keeps what
    finished) and end when the main process dies, even by ``kill -9`` (see :mod:`.lifeline`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if main_pid is not None:
        from .lifeline import watch

        watch(main_pid, token)


class _Windowed(_Base):
    def _submit(self, fn, task):  # pragma: no cover - abstract
        raise NotImplementedError

    def _windowed(self, fn, tasks, wait_any, cancel) -> Iterator[Any]:
        pending: set = set()
        source = iter(tasks)
        window = 2 * max(1, self.workers)

        def refill() -> None:
            while len(pending) < window:
                task = next(source, None)
                if task is None:
                    return
                pending.add(self._submit(fn, task))

        refill()
        try:
            while pending:
                done = wait_any(pending)
                for fut in done:
                    pending.discard(fut)
                refill()  # keep workers busy while the parent handles results
                for fut in done:
                    yield self._result(fut)
        finally:
            for fut in pending:
                cancel(fut)

    def _result(self, fut):
        return fut.result()


class PoolExecutor(_Windowed):
    """A local pool of ``workers`` processes (``concurrent.futures``)."""

    kind = "local"

    def __init__(self, workers: Optional[int] = None):
        """Start a pool of ``workers`` processes (default: one per core)."""
        self.workers = workers or os.cpu_count() or 1
        from .lifeline import here

        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=_pool_context(), initializer=_quiet_worker, initargs=here()
        )

    def _submit(self, fn, task):
        return self._pool.submit(fn, task)

    def _result(self, fut):
        try:
            return fut.result()
        except Exception as exc:  # BrokenProcessPool and the like: a worker died
            raise ExecutorError(f"a worker process failed ({type(exc).__name__}: {exc})") from exc

    def run(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(task)`` for each task as it finishes."""
        yield from self._windowed(fn, tasks, lambda p: wait(p, return_when=FIRST_COMPLETED)[0], lambda f: f.cancel())

    def close(self) -> None:
        """Stop the workers (pending tasks are cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __exit__(self, exc_type, *rest) -> None:
        if exc_type is None or issubclass(exc_type, Exception):
            self.close()
            return
        # interrupted (Ctrl-C, SIGTERM): what the workers are computing will not be recorded, so
        # stop them now instead of waiting up to a task's length for them to finish
        for proc in list(getattr(self._pool, "_processes", {}).values()):
            proc.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)


def _local_worker_config() -> dict:
    """Dask settings for the workers of a LocalCluster this executor starts.

    Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_`` in its workers' environment,
    which turns off glibc's adaptive mmap threshold: every large numpy
    temporary is then mapped and unmapped afresh (here ~8x the page faults and
    about a tenth more CPU per replication). The statistical profiler and the
    monitors feed the dashboard, which a sweep does not start. All are left as
    they are on a cluster given by ``--scheduler``: its workers are configured
    by whoever started them.
    """
    import dask

    env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    env.pop("MALLOC_TRIM_THRESHOLD_", None)
    return {
        "distributed.nanny.pre-spawn-environ": env,
        "distributed.worker.profile.enabled": False,
        # the scheduler and the nannies share this process: on a small machine their
        # housekeeping competes with the workers, so it runs less often
        "distributed.admin.tick.interval": "1s",
        "distributed.admin.tick.limit": "60s",
        "distributed.admin.system-monitor.interval": "2s",
        "distributed.worker.memory.monitor-interval": "1s",
    }


class DaskExecutor(_Windowed):
    """Dask distributed: an existing cluster (``scheduler`` address) or a LocalCluster of ``workers`` processes."""

    kind = "dask"
    least_task_share = 0.3  # each task costs the scheduler ~10 ms of CPU: no tiny tasks at the end

    def __init__(self, workers: Optional[int] = None, scheduler: Optional[str] = None):
        """Connect to ``scheduler``, or start a LocalCluster of ``workers`` single-threaded processes."""
        try:
            import logging

            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--executor dask needs Dask: pip install 'coalition-sim[dask]'") from None
        self.scheduler = scheduler
        self._cluster = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout="10s")
                self._client.wait_for_workers(1, timeout=60)
            else:
                with dask.config.set(_local_worker_config()):
                    self._cluster = LocalCluster(
                        n_workers=workers or os.cpu_count() or 1,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL,
                    )
                self._client = Client(self._cluster)
        except Exception as exc:  # noqa: BLE001 - unreachable scheduler, workers that cannot start, ...
            self.close()
            where = f"reach the Dask scheduler {scheduler}" if scheduler else "start a Dask LocalCluster"
            raise ExecutorError(f"cannot {where}: {exc}") from None
        self.workers = sum(self._client.nthreads().values()) or 1

    def _submit(self, fn, task):
        return self._client.submit(fn, task, pure=False)

    def _result(self, fut):
        try:
            return fut.result()
        except Exception as exc:  # a worker was lost, the scheduler went away
            raise ExecutorError(f"a Dask task failed ({type(exc).__name__}: {exc})") from exc

    def run(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(task)`` for each task as it finishes on the cluster."""
        from distributed import as_completed

        source = iter(tasks)
        done = as_completed()
        try:
            for task in itertools.islice(source, 2 * self.workers):
                done.add(self._submit(fn, task))
            for fut in done:
                task = next(source, None)
                if task is not None:
                    done.add(self._submit(fn, task))  # keep workers busy while the parent handles results
                result = self._result(fut)
                fut.release()
                yield result
        finally:
            for fut in done.futures:
                fut.cancel()

    def describe(self) -> dict:
        """What ran the sweep, with the scheduler's address."""
        return {"kind": self.kind, "workers": self.workers, "scheduler": self.scheduler or "LocalCluster"}

    def close(self) -> None:
        """Close the client, and the LocalCluster if this executor started it."""
        for thing in (getattr(self, "_client", None), self._cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - closing is best effort
                    pass


def make_executor(kind: str, workers: Optional[int] = None, scheduler: Optional[str] = None) -> _Base:
    """The executor for ``--executor`` (``local`` with one worker runs in this process)."""
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    workers = workers or os.cpu_count() or 1
    return SerialExecutor() if workers == 1 else PoolExecutor(workers)
