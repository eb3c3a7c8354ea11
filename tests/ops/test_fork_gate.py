"""A worker forks a work horse per job while its Redis watcher thread may be busy catching the outbox up.
A fork made in the middle of that work once copied a lock the watcher held (SQLAlchemy's mapper
configuration): the horse waited for it for ever and the candidate's mail never left. The watcher
works inside `fork_gate()`, and a fork waits for the gate."""
from __future__ import annotations

import os
import threading
import time

from workers.runtime import fork_gate, install_fork_gate


def _fork_and_take(lock: threading.Lock) -> int:
    """Fork; the child tries to take `lock` within 5 s. Returns the child's exit code (0: it could)."""
    pid = os.fork()
    if pid == 0:  # the work horse
        os._exit(0 if lock.acquire(timeout=5) else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_work_horse_never_starts_with_a_lock_the_watcher_holds():
    install_fork_gate()
    held_by_watcher = threading.Lock()  # stands for any lock taken in the watcher's work
    inside = threading.Event()

    def watcher_work():
        with fork_gate(), held_by_watcher:
            inside.set()
            time.sleep(0.5)

    watcher = threading.Thread(target=watcher_work)
    watcher.start()
    assert inside.wait(5)
    started = time.monotonic()
    code = _fork_and_take(held_by_watcher)
    watcher.join()
    assert code == 0, "the forked child inherited the watcher's lock"
    assert time.monotonic() - started >= 0.3  # the fork waited for the watcher to finish

