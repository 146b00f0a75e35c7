"""One warm kernel per worker, reused page after page, through papermill's own client.

A chapter page does little work of its own (its authority-year was computed once, before
the pages): most of what a page cost was starting a kernel and importing pandas and the
library in it. So each worker process keeps one kernel and papermill executes page after
page in it, through a papermill engine (papermill's documented way to change how a
notebook is run) that hands papermill's notebook client this kernel instead of a new one.

Between pages the kernel is made to look new to the next page: IPython's ``%reset -f``
empties its namespace (variables, outputs and history), the working folder is set to the
notebook's, and the execution count starts again at 1. Imported modules stay loaded; the
library keeps no state a page changes. A kernel that died, ran over its time or failed to
answer is shut down, and the next page starts a fresh one.
"""
from __future__ import annotations

import atexit
import multiprocessing.util
import os
import shutil
import tempfile
import threading
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "sufficiency-warm-kernel"
RESET_SECONDS = 60
#: Run in the kernel before each page: an empty namespace, the notebook's folder, count 1.
RESET = ("get_ipython().run_line_magic('reset', '-f')\n"
         "__import__('os').chdir({folder!r})\n"
         "get_ipython().execution_count = 1\n")


class LocalKernelManager(AsyncKernelManager):
    """A kernel that talks over private IPC sockets in a temporary folder, not TCP ports:
    batch renders run on one machine, and IPC keeps kernel traffic off the network."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.socket_dir = Path(tempfile.mkdtemp(prefix="sufficiency-kernel-"))
        self.ip = str(self.socket_dir / "kernel")


class WarmKernel:
    """This thread's kernel: started on first use, reset before each later page."""

    _by_thread: dict[int, LocalKernelManager] = {}
    _lock = threading.Lock()

    @classmethod
    def ready(cls, kernel_name: str, folder: Path, start_timeout: int) -> LocalKernelManager:
        """A kernel of ``kernel_name`` whose next page sees a fresh namespace in ``folder``."""
        manager = cls._by_thread.get(threading.get_ident())
        if manager is not None and manager.kernel_name == kernel_name and run_sync(manager.is_alive)():
            try:
                run_sync(_run_code)(manager, RESET.format(folder=str(folder)), RESET_SECONDS)
                return manager
            except Exception:          # no answer, or the reset failed: a fresh kernel instead
                cls.discard()
        manager = LocalKernelManager(kernel_name=kernel_name)
        with cls._lock:
            cls._by_thread[threading.get_ident()] = manager
            _close_at_exit()
        try:
            run_sync(manager.start_kernel)(cwd=str(folder))
        except Exception:
            cls.discard()
            raise
        return manager

    @classmethod
    def discard(cls) -> None:
        """Shut this thread's kernel down (after an error or at exit)."""
        with cls._lock:
            manager = cls._by_thread.pop(threading.get_ident(), None)
        _shut_down(manager)

    @classmethod
    def close_all(cls) -> None:
        with cls._lock:
            managers, cls._by_thread = list(cls._by_thread.values()), {}
        for manager in managers:
            _shut_down(manager)


def _shut_down(manager: LocalKernelManager | None) -> None:
    if manager is None:
        return
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
    except Exception:                  # already gone: nothing to shut down
        pass
    shutil.rmtree(manager.socket_dir, ignore_errors=True)


async def _run_code(manager: LocalKernelManager, code: str, timeout: int) -> None:
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
        reply = await client.execute_interactive(code, silent=True, store_history=False, timeout=timeout)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not be reset: {reply['content'].get('evalue', '')}")
    finally:
        client.stop_channels()


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, given this worker's warm kernel instead of a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        folder = Path(kwargs.pop("kernel_cwd"))
        manager = WarmKernel.ready(kernel_name, folder, start_timeout)
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(nb_man, km=manager, **merge_kwargs(
            kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file))
        try:
            notebook = client.execute()
        except BaseException:          # a kernel that failed a page is not trusted with the next
            WarmKernel.discard()
            raise
        else:
            if notebook.metadata.get("papermill", {}).get("exception"):
                WarmKernel.discard()   # a cell raised: papermill reports it once this returns
            return notebook
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


_closing_in: set[int] = set()


def _close_at_exit() -> None:
    """Shut this process's kernels down when it ends. A pool's worker process leaves through
    multiprocessing, which skips atexit and forgets finalizers made before the fork, so
    each process registers its own, once."""
    if os.getpid() not in _closing_in:
        _closing_in.add(os.getpid())
        atexit.register(WarmKernel.close_all)
        multiprocessing.util.Finalize(None, WarmKernel.close_all, exitpriority=10)


papermill_engines.register(ENGINE, WarmKernelEngine)
