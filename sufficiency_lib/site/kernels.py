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
from jupyter_core.utils import ensure_async, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "sufficiency-warm-kernel"
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
    """This thread's kernel: started on first use, kept for the pages after."""

    _by_thread: dict[int, LocalKernelManager] = {}
    _clients: dict[int, object] = {}      # each kernel's client, kept connected between pages
    _lock = threading.Lock()

    @classmethod
    def ready(cls, kernel_name: str, folder: Path) -> tuple[LocalKernelManager, bool]:
        """A running kernel of ``kernel_name``, and whether it ran a page before (and so
        must be reset before the next); a new one starts in ``folder``."""
        manager = cls._by_thread.get(threading.get_ident())
        if manager is not None and manager.kernel_name == kernel_name and run_sync(manager.is_alive)():
            return manager, True
        cls.discard()
        manager = LocalKernelManager(kernel_name=kernel_name)
        with cls._lock:
            cls._by_thread[threading.get_ident()] = manager
            _close_at_exit()
        try:
            # No input history: pages reset the execution count, which a history database
            # takes for a clash and says so in the page ("Session/line number was not unique").
            run_sync(manager.start_kernel)(cwd=str(folder), extra_arguments=["--HistoryManager.enabled=False"])
        except Exception:
            cls.discard()
            raise
        return manager, False

    @classmethod
    def client(cls):
        """This thread's kernel's client from the page before (None before the first page)."""
        return cls._clients.get(threading.get_ident())

    @classmethod
    def keep_client(cls, client) -> None:
        cls._clients[threading.get_ident()] = client

    @classmethod
    def discard(cls) -> None:
        """Shut this thread's kernel down (after an error or at exit)."""
        with cls._lock:
            manager = cls._by_thread.pop(threading.get_ident(), None)
            client = cls._clients.pop(threading.get_ident(), None)
        _shut_down(manager, client)

    @classmethod
    def close_all(cls) -> None:
        with cls._lock:
            kept = [(m, cls._clients.get(t)) for t, m in cls._by_thread.items()]
            cls._by_thread, cls._clients = {}, {}
        for manager, client in kept:
            _shut_down(manager, client)


def _shut_down(manager: LocalKernelManager | None, client=None) -> None:
    if client is not None:
        client.stop_channels()
    if manager is None:
        return
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
    except Exception:                  # already gone: nothing to shut down
        pass
    shutil.rmtree(manager.socket_dir, ignore_errors=True)


class ResetFailed(RuntimeError):
    """A kept kernel did not take its reset: the page runs again in a new kernel."""


class _ResettingClient(PapermillNotebookClient):
    """papermill's client, first running ``reset`` (when set) in the kernel over its own
    connection, before the notebook's cells."""

    reset = ""

    def papermill_execute_cells(self):
        if self.reset:
            run_sync(self._reset)()
        super().papermill_execute_cells()

    async def _reset(self) -> None:
        try:
            msg_id = await ensure_async(self.kc.execute(self.reset, silent=True, store_history=False))
            reply = await self.async_wait_for_reply(msg_id)
        except Exception as err:
            raise ResetFailed(f"the kept kernel did not answer its reset ({err})") from err
        if not reply or reply["content"]["status"] != "ok":
            raise ResetFailed("the kept kernel could not be reset")


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, given this worker's warm kernel instead of a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        folder = Path(kwargs.pop("kernel_cwd"))
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        settings = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                kernel_name=kernel_name, log=logger, log_output=log_output, stdout_file=stdout_file,
                                stderr_file=stderr_file)
        try:
            return cls._run(nb_man, kernel_name, folder, settings)
        except ResetFailed:
            WarmKernel.discard()
            return cls._run(nb_man, kernel_name, folder, settings)

    @staticmethod
    def _run(nb_man, kernel_name: str, folder: Path, settings: dict):
        manager, used = WarmKernel.ready(kernel_name, folder)
        client = _ResettingClient(nb_man, km=manager, **settings)
        client.reset = RESET.format(folder=str(folder)) if used else ""
        client.kc = WarmKernel.client() if used else None   # connected already: no new handshake
        try:
            notebook = client.execute()
        except ResetFailed:
            raise
        except BaseException:          # a kernel that failed a page is not trusted with the next
            WarmKernel.keep_client(client.kc)
            WarmKernel.discard()
            raise
        WarmKernel.keep_client(client.kc)
        if notebook.metadata.get("papermill", {}).get("exception"):
            WarmKernel.discard()       # a cell raised: papermill reports it once this returns
        return notebook


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
