"""One racing mentor for tests/unit/test_request_claims.py, run as its own process.

    python _claimer.py URL MENTOR READY_FILE GO_FILE REQUEST_ID...

Opens the store, creates ``READY_FILE``, waits for ``GO_FILE`` (the common start line), then
claims each request as ``MENTOR`` and prints one JSON line: the requests it won, those it lost
(refused with exit code 3, "claimed by ..."), and any other error. Not collected by pytest.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.errors import Taken
from sessionsctl.store import open_store


def main() -> None:
    url, mentor, ready, go, *ids = sys.argv[1:]
    store = open_store(url)
    centre = Centre(store, actor=mentor)
    _ = centre.requests  # imported before the start line
    Path(ready).touch()
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    won, lost, errors = [], [], []
    for request_id in map(int, ids):
        try:
            centre.requests.claim(request_id)
            won.append(request_id)
        except Taken:
            lost.append(request_id)
        except Exception as exc:  # reported, and failed on, by the test
            errors.append(f"{type(exc).__name__}: {exc}")
    store.close()
    print(json.dumps({"mentor": mentor, "won": won, "lost": lost, "errors": errors}))


if __name__ == "__main__":
    main()
