"""The parent of fair's processes, for `make run` (fair/devserver.py) and `make serve`
(fair/ops/serve.py): it starts each child in its own process group, asks Linux to end it if the
parent dies, and stops them all, in order, when one dies or the parent is told to stop."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass

from fair.config import PROJECT_ROOT
from fair.embedded import die_with_parent

STOP_TIMEOUT = 15.0


def say(message: str = "") -> None:
    print(message, flush=True)


class StopRequested(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    # Valkey writes its snapshot on SIGTERM; the worker finishes its current job on SIGTERM.
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None


class Supervisor:
    def __init__(self) -> None:
        self.children: list[Child] = []
        self.force = False

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> Child:
        process = subprocess.Popen(
            argv, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=die_with_parent(),
        )
        return self.adopt(name, process)

    def adopt(self, name: str, process: subprocess.Popen) -> Child:
        child = Child(name, process)
        self.children.append(child)
        return child

    def first_dead(self) -> Child | None:
        return next((c for c in self.children if not c.alive()), None)

    def stop_all(self) -> None:
        """Stop the children in start order reversed, except Valkey last since the others use it."""
        order = [c for c in reversed(self.children) if c.name != "valkey"] + \
                [c for c in self.children if c.name == "valkey"]
        for child in order:
            self._stop(child)
        self.children.clear()

    def _stop(self, child: Child) -> None:
        if child.alive():
            try:
                os.kill(child.pid, child.stop_signal)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + STOP_TIMEOUT
            while child.alive() and time.monotonic() < deadline and not self.force:
                time.sleep(0.05)
            if child.alive():
                say(f"fair: {child.name} did not stop in time; killing it.")
        # Whatever is left in the child's process group (RQ's scheduler or a work horse) goes too.
        _kill_group(child.pid, signal.SIGKILL)
        child.process.wait()


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0", "::", "[::]") else host


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
