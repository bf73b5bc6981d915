"""The rebuild loop: build the program into a private folder, serve it, and rebuild on
every save (keeping the last good site when a build fails), telling open pages to
reload."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import watchfiles

from ...build import build
from ...errors import Diagnostic, XpromoError
from .handler import Handler, Server
from .pages import BuildState

DEBOUNCE_MS = 50


class DevServer:
    """Builds the program under root into a private folder and serves it with live reload."""

    def __init__(
        self,
        root: Path,
        today: Callable[[], dt.date],
        host: str = "127.0.0.1",
        port: int = 8000,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.root = root
        self.today = today
        self.echo = echo
        self.workdir = Path(tempfile.mkdtemp(prefix="xpromo-serve-"))
        self.output = self.workdir / "site"
        self.state = BuildState()
        self.changed = threading.Condition()
        self.stop_event = threading.Event()
        self.watching = threading.Event()
        handler = partial(Handler, server_state=self)
        self.httpd = Server((host, port), handler, echo)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}/"

    def rebuild(self) -> BuildState:
        """Build once; keep serving the previous site if this build fails. Never raises."""
        start = time.perf_counter()
        problems: tuple[Diagnostic, ...] = ()
        failure = None
        site = self.state.site
        try:
            report = build(self.root, self.output, self.today())
            site = report.site
            problems = report.warnings
        except XpromoError as error:
            problems = error.diagnostics
        except Exception as error:  # a bug must not take the server down
            failure = f"internal error: {type(error).__name__}: {error}"
        seconds = time.perf_counter() - start
        with self.changed:
            failed = failure is not None or any(p.severity == "error" for p in problems)
            self.state = BuildState(
                version=self.state.version + 1,
                site=site,
                problems=problems,
                failure=failure,
                seconds=seconds,
            )
            self.changed.notify_all()
        self._report(failed, seconds)
        return self.state

    def _report(self, failed: bool, seconds: float) -> None:
        for problem in self.state.problems:
            self.echo(problem.format())
        if self.state.failure:
            self.echo(f"xpromo: {self.state.failure}")
        if failed:
            self.echo("Build failed; still serving the last good site.")
        else:
            self.echo(f"Rebuilt in {seconds:.2f}s.")

    def watch(self) -> None:
        """Rebuild whenever a file of the program changes, until stop() is called."""
        ignored = {self.root.resolve() / name for name in ("public", ".git", ".venv")}

        def relevant(_change: watchfiles.Change, path: str) -> bool:
            resolved = Path(path).resolve()
            if any(resolved == d or d in resolved.parents for d in ignored):
                return False
            return not any(
                part.startswith(".") for part in resolved.relative_to(self.root.resolve()).parts
            )

        for changes in watchfiles.watch(
            self.root,
            watch_filter=relevant,
            debounce=DEBOUNCE_MS,
            step=20,
            stop_event=self.stop_event,
            raise_interrupt=False,
            rust_timeout=200,
            yield_on_timeout=True,  # an empty batch: the watcher is up and listening
        ):
            self.watching.set()
            if changes:
                self.rebuild()

    def start(self) -> None:
        """Build, then serve and watch in background threads."""
        self.rebuild()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        threading.Thread(target=self.watch, daemon=True).start()
        self.watching.wait(timeout=10)

    def stop(self) -> None:
        """Stop serving and watching, and remove the private build folder."""
        self.stop_event.set()
        with self.changed:
            self.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.workdir, ignore_errors=True)
