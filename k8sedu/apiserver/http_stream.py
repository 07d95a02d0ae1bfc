"""Long-running answers over HTTP: watch streams and followed container logs.

A watch is opened on the simulated API server like any other client's watch; its handler runs
inside the simulation (under the serving lock) and only encodes each event into a bounded queue,
one JSON object per line as kube-apiserver streams them (``handlers/watch.go``). The HTTP thread
drains the queue outside the lock. With a Table ``Accept`` each event carries a one-row Table,
with the column definitions in the first event only, as ``watch.go`` sends them. A client that
reads too slowly fills the queue and is dropped, as the real watch cache drops a blocked watcher.
Simplified: no bookmarks; ``timeoutSeconds`` counts wall-clock time, as on a real server.
"""

from __future__ import annotations

import json
import queue

from k8sedu.apiserver import printers
from k8sedu.kubectl.commands import logs
from k8sedu.kubectl.commands._common import Invocation

QUEUE_LIMIT = 10_000  # events waiting for one slow client before it is dropped
END = b""  # queued after the last event of a stream that ends by itself


class Stream:
    """A chunked answer: ``content_type``, ``timeout`` (wall seconds or None), ``queue`` of bytes."""

    content_type = "application/json"
    polled = False  # True: the HTTP thread calls poll() under the lock between reads

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.queue: queue.Queue[bytes] = queue.Queue(QUEUE_LIMIT)
        self.overflowed = False
        self.finished = False

    def send(self, data: bytes) -> None:
        """Queue bytes for the client; never blocks (it runs inside the simulation)."""
        if self.finished:
            return
        try:
            self.queue.put_nowait(data)
        except queue.Full:
            self.overflowed = True
            self.close()

    def finish(self) -> None:
        """No more data will come: the HTTP thread ends the stream after what is queued."""
        if not self.finished:
            self.finished = True
            self.queue.put(END)

    def poll(self) -> None:
        """Look for new data (under the lock, about every quarter second, if ``polled``)."""

    def close(self) -> None:
        """Release what the stream holds in the simulation (called under the lock)."""
        self.finished = True

    @property
    def cut_off(self) -> bool:
        """The server side ended it: the client read too slowly, or its source went away."""
        return self.overflowed


class WatchStream(Stream):
    """One ``?watch=true`` request, fed by a simulated API-server watch."""

    def __init__(
        self, cluster, resource: str, table: bool, include_object: str, timeout: float | None
    ) -> None:
        super().__init__(timeout)
        self.cluster = cluster
        self.resource = resource
        self.table = table
        self.include_object = include_object
        self.watcher = None
        self.sent_columns = False
        self.events = 0
        if table:
            self.content_type = "application/json;as=Table;v=v1;g=meta.k8s.io"

    def push(self, event: dict) -> None:
        """The watch handler: encode now (the object is shared and read-only) and queue."""
        obj = event["object"]
        if self.table and event["type"] != "ERROR":
            obj = printers.table(
                self.resource,
                [obj],
                now=self.cluster.now,
                epoch=self.cluster.epoch,
                include_object=self.include_object,
                resource_version=obj["metadata"].get("resourceVersion", ""),
            )
            if self.sent_columns:
                obj["columnDefinitions"] = None
            self.sent_columns = True
        self.events += 1
        self.send(_line({"type": event["type"], "object": obj}))

    def close(self) -> None:
        super().close()
        if self.watcher is not None:
            self.watcher.stop()

    @property
    def cut_off(self) -> bool:
        # a stopped kube-apiserver ends its watches: the connection drops, as on a real one
        return self.overflowed or (self.watcher is not None and self.watcher.stopped)


class LogStream(Stream):
    """``GET …/log?follow=true``: the lines so far, then each new line while the container runs."""

    content_type = "text/plain"
    polled = True

    def __init__(self, cluster, run, timestamps: bool, sent: int) -> None:
        super().__init__(None)
        self.cluster = cluster
        self.run = run
        self.timestamps = timestamps
        self.sent = sent  # lines of run.logs() already sent

    def poll(self) -> None:
        lines = log_lines(self.cluster, self.run, self.timestamps)
        for line in lines[self.sent :]:
            self.send(line.encode())
        self.sent = len(lines)
        if not self.run.running:
            self.finish()


def _line(event: dict) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode() + b"\n"


def log_lines(cluster, run, timestamps: bool) -> list[str]:
    return logs._lines(Invocation(cluster, {"timestamps": timestamps}, []), run)
