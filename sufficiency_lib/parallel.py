"""Process pools that do not fight over cores.

numpy and scipy ship OpenBLAS, which starts a thread per core in every process. Run one
process per core and each also spins up its own threads: on a 2-core machine the national
forecast backtest took 3.4 times as long with two processes as with one (27.8 s against
8.1 s for 40 authorities). So each worker keeps to one thread (threadpoolctl), and
notebook kernels started by a parallel batch inherit :data:`ONE_THREAD` in their
environment (Dask's nanny sets the same variables for its workers).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_thread() -> None:
    """Keep this process's numeric libraries to one thread each, and the processes it starts."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    os.environ.update(ONE_THREAD)


def workers(requested: int | None = None) -> int:
    """``requested``, else one per core."""
    return requested or os.cpu_count() or 1


def process_pool(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of ``max_workers`` processes (one per core by default), one thread each."""
    return ProcessPoolExecutor(max_workers=workers(max_workers), initializer=one_thread)
