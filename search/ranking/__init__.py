"""Which documents answer a query, best first: BM25F and the techniques that find its top k.

- `scoring`: the one definition of a score, BM25F (Robertson, Zaragoza and Taylor 2004), in SQL.
- `terms`: a query's words as index terms with their IDF.
- `matching`: what a document must hold to match at all (phrases, exclusions, required words).
- `exhaustive`: exact BM25F over the postings, for given candidates or every match.
- `threshold`: the top k from impact-ordered blocks by Fagin's threshold algorithm.
- `lists`: reading those blocks.
- `phrase_lists`: phrases ranked from the blocks' lists, word order checked best first.
- `words` and `phrases`: the choice between those paths for plain words and for phrases.

`search.engine.search` is the one caller; every path returns the same exact top k, so a path is
chosen for speed alone.
"""
