"""A process that imports the application once and forks a child for each crash-test run, so a
run costs a fork rather than a Python start and an import of every package (the crash tests run
their sender 60 times per database and stay inside `make test`'s time).

Protocol, one JSON object a line on stdin and stdout:
  {"start": "module:function", "args": [...]}  -> {"pid": 1234}   (the child calls f(args))
  {"wait": 1234, "timeout": 60}                 -> {"status": 0}    (or -9 when killed; a child
                                                   still running at the timeout is killed and
                                                   reported as "timeout")
The zygote opens no database connection and starts no thread before it forks, so each child
starts clean; children leave with os._exit so they never run the zygote's clean-up.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

ROOT = Path(__file__).resolve().parent.parent


def _child(target: str, args: list) -> None:
    module_name, _, name = target.partition(":")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    code = 0
    try:
        getattr(importlib.import_module(module_name), name)(args)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def _wait(pid: int, timeout: float) -> int | str:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.01)


def _warm() -> None:
    """Build one app and configure the ORM before forking, so every child inherits what that
    costs: werkzeug's compiled URL builders (tests/route_builders.py caches them per process)
    and SQLAlchemy's configured mappers, about 0.9 s of each child's 1.1 s start before. The app
    is for an in-memory database it never connects to, and no thread may be left running."""
    import threading

    import sqlalchemy.orm

    from app import create_app
    from tests.conftest import BASE_CONFIG

    create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    sqlalchemy.orm.configure_mappers()
    assert threading.active_count() == 1, threading.enumerate()


def serve(preload: list[str]) -> None:
    """Import ``preload`` and warm the caches, then answer commands until stdin closes."""
    for module_name in preload:
        importlib.import_module(module_name)
    _warm()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if "start" in command:
            pid = os.fork()
            if pid == 0:
                _child(command["start"], command.get("args", []))
            reply = {"pid": pid}
        else:
            reply = {"status": _wait(command["wait"], command.get("timeout", 60))}
        print(json.dumps(reply), flush=True)


class Zygote:
    """The test's handle on a zygote process."""

    def __init__(self, preload: list[str], stderr_path: Path):
        self._stderr = stderr_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_zygote", *preload],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def _ask(self, command: dict) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def start(self, target: str, *args) -> int:
        """Fork a child that runs ``target`` with ``args``; returns its pid."""
        return self._ask({"start": target, "args": [str(arg) for arg in args]})["pid"]

    def wait(self, pid: int, timeout: float = 60) -> int | str:
        """The child's exit code (negative: the signal that ended it), or "timeout"."""
        return self._ask({"wait": pid, "timeout": timeout})["status"]

    def run(self, target: str, *args, timeout: float = 60) -> int | str:
        """Start a child and wait for it."""
        return self.wait(self.start(target, *args), timeout)

    def kill(self, pid: int) -> int | str:
        """SIGKILL a child and collect it."""
        os.kill(pid, signal.SIGKILL)
        return self.wait(pid)

    def close(self) -> None:
        """Stop the zygote."""
        self.process.stdin.close()
        self.process.wait(10)
        self._stderr.close()


if __name__ == "__main__":
    serve(sys.argv[1:])
    # Leave at once: an orderly interpreter shutdown of everything imported and warmed took
    # 2 s here and over 10 s on a loaded machine (the test's close() timed out); there is
    # nothing to clean up, as the zygote holds no connection and its children are collected.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
