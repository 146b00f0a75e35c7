"""Where a batch's work runs: local processes (one thread each), or a Dask cluster (a
scheduler you name, or a local cluster of separate worker processes)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass
class Pool:
    """``submit(fn, *args)`` returns a future; ``wait_first(futures)`` returns those of them
    that have finished, waiting for at least one; ``close()`` ends the pool."""

    submit: Callable
    wait_first: Callable
    close: Callable


def local(jobs: int) -> Pool:
    import concurrent.futures

    from sufficiency_lib.parallel import process_pool
    pool = process_pool(jobs)          # kernels inherit one thread each: jobs share the cores

    def wait_first(futures):
        return concurrent.futures.wait(list(futures), return_when=concurrent.futures.FIRST_COMPLETED).done

    return Pool(pool.submit, wait_first, lambda: pool.shutdown(wait=True, cancel_futures=True))


def dask(jobs: int, scheduler: str | None) -> Pool:
    import dask as dask_config
    from dask.distributed import Client, LocalCluster, wait

    # Dask's workers sample their task thread's stack all the time and keep the call trees:
    # about 4 MB more with each authority computed (1 GB over the national run). Not needed.
    with dask_config.config.set({"distributed.worker.profile.enabled": False}):
        cluster = None if scheduler else LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                      dashboard_address=None)
    client = Client(scheduler or cluster)

    def submit(fn, *args):
        return client.submit(fn, *args, pure=False)

    def wait_first(futures):
        return wait(list(futures), return_when="FIRST_COMPLETED").done

    def close():
        from sufficiency_lib.site.kernels import WarmKernel
        try:                       # each worker's kept kernel, shut down while the worker is alive
            client.run(WarmKernel.close_all)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return Pool(submit, wait_first, close)


def open_pool(executor: str, jobs: int, scheduler: str | None = None) -> Pool:
    return dask(jobs, scheduler) if executor == "dask" else local(jobs)
