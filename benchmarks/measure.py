"""Peak memory of processes, sampled: what the benchmarks share."""
from __future__ import annotations

import threading
import time

import psutil


def rss_mb(processes) -> float:
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def is_kernel(process: psutil.Process) -> bool:
    try:
        return "ipykernel" in " ".join(process.cmdline())
    except psutil.Error:
        return False


class MemorySampler(threading.Thread):
    """Every ``every`` seconds, the resident memory of ``root`` (default: this process) and
    its descendants. Keeps: ``tree_peak`` (all together), ``root_peak``, ``peaks`` (each child of the root
    with its own descendants: a worker and the kernels it started), ``process_peak`` (the
    largest single process that is not a kernel) and ``kernel_peak`` (the largest kernel)."""

    def __init__(self, every: float = 0.5, root: int | None = None):
        super().__init__(daemon=True)
        self.every, self.root = every, psutil.Process(root) if root else psutil.Process()
        self.tree_peak = self.process_peak = self.kernel_peak = self.root_peak = 0.0
        self.peaks: dict[int, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                children = self.root.children()
                everyone = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            self.tree_peak = max(self.tree_peak, rss_mb(everyone))
            self.root_peak = max(self.root_peak, rss_mb([self.root]))
            for process in everyone:
                single = rss_mb([process])
                if is_kernel(process):
                    self.kernel_peak = max(self.kernel_peak, single)
                else:
                    self.process_peak = max(self.process_peak, single)
            for child in children:
                try:
                    tree = [child, *child.children(recursive=True)]
                except psutil.Error:
                    continue
                self.peaks[child.pid] = max(self.peaks.get(child.pid, 0.0), rss_mb(tree))
            time.sleep(self.every)

    def stop(self) -> None:
        self._done.set()
        self.join()
