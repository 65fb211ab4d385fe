"""What the catalogue tells other apps, sent only by publications.changes.

publications names no other app: search and the newsletter connect their receivers in their own
AppConfig.ready(). Receivers of the first three run synchronously, inside the writer's transaction,
so an index write commits or rolls back with the catalogue write it follows.
"""

from django.dispatch import Signal

# ids (sorted list), text_changed, visibility_changed, bulk (a changes.Bulk or None). A receiver
# may answer with the ids whose text it had to cut (the search index's 1 MB limit).
publications_changed = Signal()
# ids: sent before the rows are deleted, so a receiver can still read what it must undo.
publications_removing = Signal()
# bulk: a bulk write (an import) starts or ends; receivers batch their work in between. An answer
# to bulk_started is a list of ids the receiver wants treated as changed (work an earlier, stopped
# bulk write left undone).
bulk_started = Signal()
bulk_finished = Signal()
# Sent after commit when publications became public for the first time (to be announced).
publications_released = Signal()
