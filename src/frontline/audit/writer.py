"""One writer appending for many threads: audit events in batches, one lock and one commit each.

Every audited read must append to one chain, and an append holds the chain's head row until
its transaction commits; with each request appending and committing on its own, the commits
(each waiting for the disk) run one after another and bound a service to a few hundred reads a
second. An `AuditWriter` owns one thread and one connection: requests hand it their events and
wait; it appends whatever has queued up in one transaction, commits, and wakes them with their
seqs. No request returns personal data before its event is committed.

    writer = AuditWriter(engine, signer=signer)
    (seq,) = writer.write([draft])      # blocks until the event is committed
    (seq,) = await asyncio.wrap_future(writer.submit([draft]))   # in an event loop
    writer.close()

For a server database (PostgreSQL). On SQLite a request that holds the write lock would wait
for a writer that waits for that lock: there, append in the request's own transaction.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy import Engine

from frontline.audit.draft import EventDraft
from frontline.audit.keys import Signer
from frontline.audit.log import DEFAULT_CHECKPOINT_EVERY, append
from frontline.store import write_transaction


class AuditWriterClosedError(RuntimeError):
    """The writer was closed; nothing more can be appended through it."""


@dataclass
class _Batch:
    drafts: list[EventDraft] = field(default_factory=list)
    waiting: list[tuple[int, Future[list[int]]]] = field(default_factory=list)


class AuditWriter:
    """Appends the events handed to `write` from any thread, in batches of at most
    `max_batch` events, each batch one transaction."""

    def __init__(
        self,
        engine: Engine,
        *,
        signer: Signer | None = None,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
        max_batch: int = 1000,
    ) -> None:
        self._engine = engine
        self._signer = signer
        self._checkpoint_every = checkpoint_every
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[list[EventDraft], Future[list[int]]] | None] = (
            queue.SimpleQueue()
        )
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def write(self, drafts: Sequence[EventDraft], timeout: float = 30.0) -> list[int]:
        """Append `drafts` (in order, together) and return their seqs once committed."""
        return self.submit(drafts).result(timeout=timeout)

    def submit(self, drafts: Sequence[EventDraft]) -> Future[list[int]]:
        """Hand `drafts` over to be appended (in order, together): the future of their seqs,
        done once they are committed. For a caller that must not block its thread."""
        if self._closed:
            raise AuditWriterClosedError("the audit writer is closed")
        future: Future[list[int]] = Future()
        if not drafts:
            future.set_result([])
            return future
        self._queue.put((list(drafts), future))
        return future

    def close(self) -> None:
        """Append what is queued, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                break
            batch = _Batch()
            self._add(batch, item)
            # Whatever queued up meanwhile joins this batch: under load batches grow, and
            # each commit serves many requests.
            while len(batch.drafts) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                self._add(batch, more)
            self._append(batch)

    @staticmethod
    def _add(batch: _Batch, item: tuple[list[EventDraft], Future[list[int]]]) -> None:
        drafts, future = item
        batch.waiting.append((len(drafts), future))
        batch.drafts.extend(drafts)

    def _append(self, batch: _Batch) -> None:
        try:
            with write_transaction(self._engine) as connection:
                seqs = append(
                    connection,
                    batch.drafts,
                    signer=self._signer,
                    checkpoint_every=self._checkpoint_every,
                )
        except BaseException as error:  # every waiting request learns its events failed
            for _, future in batch.waiting:
                future.set_exception(error)
            return
        start = 0
        for count, future in batch.waiting:
            future.set_result(seqs[start : start + count])
            start += count
