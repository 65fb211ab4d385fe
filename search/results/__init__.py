"""What surrounds a ranked page of results: counts, facets, snippets, suggestions, the rows shown,
and the page's links.

- `counts`: how many documents match, exact when cheap enough, else estimated.
- `facets`: type, year, topic and author counts of the matches.
- `snippets`: highlighted passages and the pages of a PDF where the words are.
- `suggestions`: "did you mean", from the vocabulary of the index.
- `selectors`: the publications of a page of results, with authors and topics, in two queries.
- `presentation`: the search page's links (facets, sorting, pagination) from a result.
"""
