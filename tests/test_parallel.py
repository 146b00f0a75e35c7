"""Worker processes keep to one numeric-library thread each, and pass that to kernels."""
import os

from sufficiency_lib import parallel


def _threads():
    import numpy  # noqa: F401  (loads OpenBLAS, so threadpoolctl can see it)
    from threadpoolctl import threadpool_info
    return os.environ.get("OPENBLAS_NUM_THREADS"), {pool["num_threads"] for pool in threadpool_info()}


def test_pool_workers_run_one_thread_and_pass_it_on():
    with parallel.process_pool(2) as pool:
        env, threads = pool.submit(_threads).result()
    assert env == "1" and threads <= {1}


def test_workers_default_to_one_per_core():
    assert parallel.workers(3) == 3 and parallel.workers() == (os.cpu_count() or 1)
