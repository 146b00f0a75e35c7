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


def _hold(args):
    import time
    lock, log = args
    with parallel.exclusive(lock):
        with open(log, "a") as out:
            out.write("start\n")
            out.flush()
            time.sleep(0.3)
            out.write("end\n")


def test_exclusive_lets_one_process_in_at_a_time(tmp_path):
    log = tmp_path / "log.txt"
    with parallel.process_pool(2) as pool:
        list(pool.map(_hold, [(tmp_path / "sub" / ".lock", log)] * 2))
    assert log.read_text().split() == ["start", "end", "start", "end"]
