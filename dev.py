"""`make run`: the development site and one worker, started together, stopped together.

Ctrl-C (or SIGTERM) stops both; if either stops by itself, the other is stopped
too, so nothing is left running in the background. Arguments are passed on to
`flask run` (e.g. --host, --port).
"""

import os
import signal
import subprocess
import sys
import time

FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def main(run_args):
    env = {**os.environ, "FLASK_DEBUG": os.environ.get("FLASK_DEBUG", "1")}
    children = [
        subprocess.Popen(FLASK + ["run", *run_args], env=env),
        subprocess.Popen(FLASK + ["worker"], env=env),
    ]
    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
