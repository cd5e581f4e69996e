"""Fire the same call from many threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections


@dataclass
class Outcomes:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def run_concurrently(calls: list[Callable[[], Any]]) -> Outcomes:
    """Start every call at the same instant (a barrier) and collect results and errors."""
    barrier = threading.Barrier(len(calls))
    outcomes = Outcomes()
    lock = threading.Lock()

    def worker(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            result = call()
            with lock:
                outcomes.results.append(result)
        except BaseException as error:
            with lock:
                outcomes.errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
