"""Running one notebook: papermill with the project kernel (this worker's warm kernel, see
:mod:`sufficiency_lib.site.kernels`), a time limit, and the messages that say a kernel
never started (worth one retry)."""
from __future__ import annotations

import signal
import threading
from pathlib import Path

import papermill
from jupyter_client.kernelspec import find_kernel_specs

from sufficiency_lib.config import NOTEBOOKS_DIR
from sufficiency_lib.site import kernels

PROJECT_KERNEL = "sufficiency"
NOTEBOOK_TIMEOUT_SECONDS = 600
KERNEL_START_RETRIES = 1
#: Messages of jupyter_client/papermill when a kernel never came up (retried once); an error
#: raised by a cell of the notebook is never retried.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond",
                         "kernel_info", "Kernel not responding", "Kernel failed to start")


class PageTimeout(Exception):
    """A notebook ran longer than the batch's timeout."""


def kernel_name() -> str:
    """The project kernel when installed (``make setup`` does), else the default one."""
    return PROJECT_KERNEL if PROJECT_KERNEL in find_kernel_specs() else "python3"


def execute_notebook(notebook: str | Path, parameters: dict, executed_path: Path,
                     timeout: int = NOTEBOOK_TIMEOUT_SECONDS) -> None:
    """Run ``notebook`` (a chapter name, or a path) with ``parameters`` into ``executed_path``."""
    path = Path(notebook) if str(notebook).endswith(".ipynb") else NOTEBOOKS_DIR / f"{notebook}.ipynb"
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(path), str(executed_path), parameters=parameters, kernel_name=kernel_name(), cwd=str(path.parent),
        progress_bar=False, execution_timeout=timeout, log_output=False, engine_name=kernels.ENGINE,
        kernel_cwd=str(path.parent), request_save_on_cell_execute=False)   # written once, when done


def is_kernel_start_failure(err: BaseException) -> bool:
    if type(err).__name__ == "PapermillExecutionError":
        return False
    return isinstance(err, (RuntimeError, TimeoutError)) and any(m in str(err) for m in KERNEL_START_FAILURES)


class Deadline:
    """Raise :class:`PageTimeout` in this (main) thread after ``seconds``; a no-op elsewhere
    (Dask runs pages in worker threads, where papermill's per-cell timeout still applies)."""

    def __init__(self, seconds: int):
        self.seconds = int(seconds)
        self.armed = False

    def _fire(self, *_):
        raise PageTimeout(f"the notebook ran longer than {self.seconds} s (--timeout)")

    def __enter__(self):
        if self.seconds > 0 and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.alarm(self.seconds)
            self.armed = True
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def run_with_retry(notebook: str | Path, parameters: dict, executed_path: Path, timeout: int) -> int:
    """Execute, retrying once when the kernel fails to start; returns the attempts made (an
    error raised carries them too, as ``attempts``)."""
    attempts = 0
    while True:
        attempts += 1
        try:
            with Deadline(timeout):
                execute_notebook(notebook, parameters, executed_path, timeout)
            return attempts
        except (Exception, PageTimeout) as err:
            if attempts > KERNEL_START_RETRIES or not is_kernel_start_failure(err):
                err.attempts = attempts
                raise
