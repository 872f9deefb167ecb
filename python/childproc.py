"""What the talk's scripts do when a Go program starts them (--die-with-parent): end with it.

The Go side (package python) starts a script in a process group of its own; if the Go
program dies, watch_parent kills that whole group, the script and its pool's workers, and
kill_with_parent (a pool initializer) has the kernel kill a worker when the script dies.
Standard library only; run the scripts from this folder (or with it on sys.path).
"""
import os
import signal
import threading
import time


def watch_parent():
    """Kill this process group as soon as the program that started us dies (our parent pid
    changes), checking every quarter of a second."""
    if not hasattr(os, "killpg"):
        return
    ppid = os.getppid()

    def watch():
        while True:
            time.sleep(0.25)
            if os.getppid() != ppid:
                os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def kill_with_parent():
    """Pool initializer: have the kernel SIGKILL this worker when its parent dies (Linux's
    PR_SET_PDEATHSIG; nothing elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort, not on macOS
        pass
