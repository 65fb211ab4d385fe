"""Marking deliveries sent without waiting for PostgreSQL's reply before the next email.

Each mark leaves for the server the moment the SMTP server has accepted the message, as a
statement of its own with its own Sync (libpq's PQsendQueryParams), flushed at once: from then on
a killed worker cannot take it back, just as when it waited for the reply. Only the wait is
moved: the reply is collected before the connection's next use (the next mark, or any other
query), so PostgreSQL records one email while the next goes over SMTP. A round trip per email to
a busy database was half the sending time (benchmarks/results/newsletter.md). The price: a
database that fails on a mark is noticed one email later, so that email too stays unmarked and is
sent again, in the one case (a PostgreSQL failure) where synchronous_commit off already allows it.
"""

from __future__ import annotations

import contextlib
import select
from collections.abc import Iterator

from django.db import DatabaseError
from django.db import connection as db
from django.utils import timezone
from psycopg import pq

from newsletter.models import DeliveryStatus

MARK_SENT = (
    b"UPDATE newsletter_delivery SET status = $1, sent_at = $2, lease_until = NULL, error = '' "
    b"WHERE id = $3 AND status = 'sending'"
)


class SentMarks:
    """Marks on Django's own connection (so they belong to whatever transaction it is in), one
    reply outstanding at most."""

    def __init__(self) -> None:
        self.pending = False

    def mark(self, delivery_id: int) -> None:
        """Record the delivery as sent; returns once the statement is on its way, not done."""
        self.collect()
        db.ensure_connection()
        params = [DeliveryStatus.SENT.encode(), timezone.now().isoformat().encode(),
                  str(delivery_id).encode()]  # fmt: skip
        with db.wrap_database_errors:
            pgconn = db.connection.pgconn
            pgconn.send_query_params(MARK_SENT, params)
            self.pending = True
            # psycopg keeps libpq non-blocking: push the statement out before going on.
            while pgconn.flush():
                select.select([], [pgconn.socket], [])

    def collect(self) -> None:
        """Wait for the outstanding mark's reply; raise if PostgreSQL refused it."""
        if not self.pending:
            return
        self.pending = False
        errors = []
        with db.wrap_database_errors:
            pgconn = db.connection.pgconn
            while (result := pgconn.get_result()) is not None:
                if result.status != pq.ExecStatus.COMMAND_OK:
                    errors.append(result.error_message.decode(errors="replace"))
        if errors:
            raise DatabaseError(f"marking a delivery sent failed: {errors[0]}")

    def __call__(self, execute, sql, params, many, context):
        # Django's execute wrapper: no query can meet a connection still busy with a mark.
        self.collect()
        return execute(sql, params, many, context)


@contextlib.contextmanager
def sent_marks() -> Iterator[SentMarks]:
    """SentMarks for the block: every query in it, and its end, collect the last reply first.
    (A transaction's BEGIN is no query here: call collect() before starting one.)"""
    marks = SentMarks()
    with db.execute_wrapper(marks):
        try:
            yield marks
        except BaseException:
            # The error under way says more than one about the last mark would.
            with contextlib.suppress(DatabaseError):
                marks.collect()
            raise
        marks.collect()
