"""One Jupyter kernel kept for pack after pack: in a batch (`kpi pack --authority all`), and for the second
language of `kpi pack --language both`.

A fresh kernel for every pack costs seconds before its work begins: starting the kernel, then importing
pandas, matplotlib, DuckDB and kpi in it (a batch pack after a worker's first took about two seconds less in a
kept one). So a batch worker keeps its kernel and starts each pack the way a fresh kernel would:

- every name the last pack's notebook made is forgotten, and the cells are numbered from 1 again
  (IPython's own `reset(new_session=True)`);
- a warning shown once per place in the code is shown again (warnings' registries start afresh, as they do
  when the filters change);
- the figures matplotlib still holds are closed, and the working folder is the notebook's folder.

What stays is what a fresh kernel would make the same again: the modules imported, and what they read once
and keep (the catalogue, the calendar, the translations). The notebook itself still runs top to bottom,
through papermill, so its .ipynb record is the same as a fresh kernel's.

A pack that fails for any reason costs the kernel (kpi.pack.batch closes it), and a kernel that has died or
cannot be made as good as fresh is replaced: the next pack starts a fresh one, so one pack's trouble is never
carried into the next.
"""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

ENGINE = "kpi-kept-kernel"  # the papermill engine that runs a notebook in a kept kernel

# Run, silently, in the kept kernel before each pack after the first.
_AS_IF_FRESH = """
get_ipython().reset(new_session=True)
import os as _os, sys as _sys, warnings as _warnings
with _warnings.catch_warnings():
    pass  # leaving it tells every module's record of warnings already shown to start afresh
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
_os.chdir({folder})
del _os, _sys, _warnings
"""


class KernelTrouble(Exception):
    """The kept kernel could not be made ready for the next pack."""


class KeptKernel:
    """A kernel that papermill starts for the first pack and that later packs run in again."""

    def __init__(self) -> None:
        self.manager = None  # a jupyter_client AsyncKernelManager once the first pack has asked for one
        self.packs = 0  # packs run in the present kernel

    def manager_for(self, folder: Path):
        """The kernel manager for the next pack, whose notebook is in `folder`: a kernel already running is
        made as good as fresh first; a new manager's kernel is started by papermill, in that folder."""
        from jupyter_client import AsyncKernelManager

        if self.manager is not None and self.packs:
            try:
                if not self._alive():
                    raise KernelTrouble("the kept kernel has stopped")
                self._run_quietly(_AS_IF_FRESH.format(folder=json.dumps(str(folder))))
            except KernelTrouble:
                self.close()  # a kernel that died, or could not be made as good as fresh: start a fresh one
        if self.manager is None:
            self.manager = AsyncKernelManager(kernel_name="python3")
            self.packs = 0
        self.packs += 1
        return self.manager

    def papermill_options(self, folder: Path) -> dict:
        """What `papermill.execute_notebook` is given to run the next pack's notebook (in `folder`) here."""
        _register_engine()
        return {"engine_name": ENGINE, "km": self.manager_for(folder)}

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.manager.has_kernel and run_sync(self.manager.is_alive)()

    def _run_quietly(self, code: str, timeout: float = 60) -> None:
        """Run `code` in the kernel, not counted in its history; raise KernelTrouble if it did not work."""
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(self.manager.get_connection_info())
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)
            reply = client.execute_interactive(code, silent=True, store_history=False, timeout=timeout,
                                               output_hook=lambda message: None)
        except (RuntimeError, TimeoutError) as err:
            raise KernelTrouble(f"the kept kernel did not answer ({err})") from None
        finally:
            client.stop_channels()
        if reply["content"].get("status") != "ok":
            raise KernelTrouble(f"the kept kernel could not be made ready for the next pack: "
                                f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def close(self) -> None:
        """Shut the kernel down (a pack failed, the kernel died, or the worker is done)."""
        from jupyter_core.utils import run_sync

        manager, self.manager, self.packs = self.manager, None, 0
        if manager is None:
            return
        with contextlib.suppress(Exception):  # a kernel already gone is what was wanted
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)  # which also removes its connection file
        with contextlib.suppress(Exception):  # and if it could not be shut down cleanly, its files anyway
            run_sync(manager.cleanup_resources)()


@functools.cache
def _register_engine() -> None:
    """Tell papermill, once, about the engine that runs a notebook in a kept kernel (`km=` its manager)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class KeptKernelEngine(NBClientEngine):
        """papermill's own engine, except that the client it makes to talk to the kernel is closed when the
        notebook has run, and the kernel left running (papermill closes neither when given a kernel manager)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(nb_man, **merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file))
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register(ENGINE, KeptKernelEngine)
