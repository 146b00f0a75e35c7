"""Process pools that do not fight over cores.

numpy and scipy ship OpenBLAS, which starts a thread per core in every process. Run one
process per core and each also spins up its own threads: on a 2-core machine the national
forecast backtest took 3.4 times as long with two processes as with one (27.8 s against
8.1 s for 40 authorities). So each worker keeps to one thread (threadpoolctl), and
notebook kernels started by a parallel batch inherit :data:`ONE_THREAD` in their
environment (Dask's nanny sets the same variables for its workers).

Results several processes may build at once (the demo's national figures, the national
backtest) are built under :func:`exclusive`: one builds, the others wait and reuse it.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_thread() -> None:
    """Keep this process's numeric libraries to one thread each, and the processes it starts."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    os.environ.update(ONE_THREAD)


def give_back_memory() -> None:
    """Return freed memory to the system after a large task. A worker that computes one
    authority after another (in a Dask worker's task thread especially, whose allocator
    arena keeps what it freed) otherwise grows with each: glibc's ``malloc_trim``; elsewhere
    a no-op."""
    import ctypes
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):      # not glibc (macOS, Windows, musl): nothing to do
        pass


def workers(requested: int | None = None) -> int:
    """``requested``, else one per core."""
    return requested or os.cpu_count() or 1


def process_pool(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of ``max_workers`` processes (one per core by default), one thread each."""
    return ProcessPoolExecutor(max_workers=workers(max_workers), initializer=one_thread)


@contextmanager
def exclusive(lock_path):
    """Hold an exclusive lock on the file ``lock_path`` (created if missing) for the block:
    processes that ask at once take turns. Uses ``fcntl`` on Unix and ``msvcrt`` on Windows."""
    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if os.name == "nt":
            import msvcrt
            import time
            handle.seek(0)
            while True:               # LK_LOCK gives up after 10 s; a build can take minutes
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.5)
        else:
            import fcntl
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
