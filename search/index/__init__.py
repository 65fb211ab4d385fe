"""The search index: what is written when the catalogue changes, and read when someone searches.

- `writes`: the one way in: index or remove publications (alone, in bulk, or batched through an
  import), settle the statistics at the end of one, rebuild everything.
- `documents`, `postings`, `vocabulary`: the SQL those writes run: a search document per
  released publication with its filter row and pages; per (document, term) the term's frequency in
  each field; the "did you mean" words.
- `statistics`: the document count and field lengths BM25F reads, exact at every commit.
- `blocks`: each term's postings in impact order, in blocks with their highest impact, which the
  ranking reads to prove a top-k without reading everything; kept current by compaction.
- `rebuild`: a whole new index built beside the live one and switched in at once.
- `vectors`: the text search configurations and the tsvectors the documents and pages hold.

Nothing here decides an order of results: that is `search.ranking`.
"""
