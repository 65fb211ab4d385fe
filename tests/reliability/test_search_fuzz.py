"""Property-based fuzzing of the search page, the JSON search API and the filtered list: whatever
a client puts in the query string (unicode, control characters, tsquery and websearch operators,
10 KB values, bytes that are not UTF-8), the page answers 200 and the API 200 or a 400 with a
JSON error. Never a 5xx: the test client re-raises any exception a view lets escape."""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.models import Publication
from tests.search.shelf import index, make_shelf, with_pages

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(120)]

# Bounded on purpose: each example is one real search against PostgreSQL.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written to .hypothesis/ in the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = 10 * 1024

# tsquery and websearch_to_tsquery syntax, and fragments of SQL and HTML for good measure.
OPERATORS = [
    "&", "|", "!", "!!", "<->", "<2>", "<0>", "<-1>", ":", "*", ":*", ":A", ":*AB", "(", ")",
    "((", "))", '"', '""', "-", "--", "'", "''", "\\", "or", "OR", "and", "not", "-\"", "&!",
    "|(", "%", "_", ";", "<", ">", "</mark>", "<script>", "\ue000", "\ue001", "\ufffd",
]  # fmt: skip
WORDS = ["tariffs", "energy", "ports", "Ana", "bo-chen", "trade", "the", "a", "ÉNERGIE", "能源"]
# Everything but surrogates, which no URL can carry as UTF-8.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
CONTROL = st.characters(categories=["Cc", "Cf", "Zl", "Zp"])

token = st.one_of(
    st.sampled_from(OPERATORS),
    st.sampled_from(WORDS),
    st.text(ANY_CHARACTER, min_size=1, max_size=12),
    st.text(CONTROL, min_size=1, max_size=4),
)
short_text = st.builds(
    lambda parts, glue: glue.join(parts),
    st.lists(token, max_size=12),
    st.sampled_from([" ", "", "\t", "\x00", "\r\n"]),
)
long_text = short_text.map(lambda text: ((text or "x") * (LONG // max(len(text), 1) + 1))[:LONG])
hostile_text = st.one_of(short_text, short_text, long_text)

# Values the filters might plausibly get, beside the hostile ones.
PLAUSIBLE = {
    "page": ["1", "2", "0", "-1", "1.5", "99999999999999999999", "1e3", "٣"],
    "page_size": ["1", "20", "100", "101", "0", "-5", "NaN"],
    "topic": ["trade", "energy", "nope", "Trade", "../../etc/passwd"],
    "author": ["ana-ruiz", "bo-chen", "Ana Ruiz", "%00"],
    "type": ["report", "issue-brief", "commentary", "pamphlet"],
    "published_after": ["2024-01-01", "0001-01-01", "9999-12-31", "2024-02-30", "2024-1-1"],
    "published_before": ["2023-12-31", "0001-01-01", "9999-12-31", "+002024-01-01"],
    "sort": ["relevance", "newest", "oldest", "best"],
}
FILTERS = list(PLAUSIBLE)


def value_for(name: str):
    return st.one_of(st.sampled_from(PLAUSIBLE[name]), hostile_text)


# A query string as a list of (name, value) pairs: names may repeat, as repeated filters do.
params = st.lists(
    st.sampled_from(FILTERS).flatmap(lambda name: st.tuples(st.just(name), value_for(name))),
    max_size=5,
).flatmap(lambda pairs: st.tuples(hostile_text, st.just(pairs)))

# Raw query strings: percent-escapes of arbitrary bytes (invalid UTF-8 included), odd separators.
raw_query = st.lists(
    st.tuples(
        st.sampled_from(["q", *FILTERS, "q[]", "", "=", "&"]),
        st.binary(max_size=40),
    ),
    min_size=1,
    max_size=6,
).map(lambda pairs: "&".join(f"{quote(name)}={quote_from_bytes(value)}" for name, value in pairs))


@pytest.fixture
def catalogue():
    """The four-publication shelf, one of them with PDF pages, indexed."""
    shelf = make_shelf()
    with_pages(shelf.both, ["Cover.", "Tariffs on turbines & ports: <b>bold</b> claims."])
    index(Publication.objects.all())
    return shelf


def query_string(q: str, pairs: list[tuple[str, str]]) -> str:
    return urlencode([("q", q), *pairs])


def get(client, path: str, query: str):
    # QUERY_STRING given whole, so the bytes arrive exactly as a client sent them.
    return client.get(path, QUERY_STRING=query)


def assert_api_answer(response) -> None:
    assert response.status_code in (200, 400), response.status_code
    assert response["Content-Type"] == "application/json"
    data = response.json()
    if response.status_code == 400:
        assert set(data) == {"error"}
        assert isinstance(data["error"], str)
        assert data["error"]
    else:
        assert isinstance(data["results"], list)
        assert isinstance(data["count"], int)


def assert_page(response) -> None:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert b"</html>" in response.content


def test_the_search_api_answers_any_parameters_with_200_or_a_json_400(client, catalogue):
    @FUZZ
    @given(params)
    def check(example):
        q, pairs = example
        assert_api_answer(get(client, "/api/search", query_string(q, pairs)))

    check()


def test_the_search_page_answers_any_parameters_with_200(client, catalogue):
    @FUZZ
    @given(params)
    def check(example):
        q, pairs = example
        assert_page(get(client, "/search/", query_string(q, pairs)))

    check()


def test_raw_query_strings_of_any_bytes_never_fail(client, catalogue):
    @settings(FUZZ, max_examples=25)
    @given(raw_query, st.sampled_from(["/api/search", "/search/", "/publications/"]))
    def check(query, path):
        response = get(client, path, query)
        if path == "/api/search":
            assert_api_answer(response)
        else:
            assert_page(response)

    check()


def test_the_filtered_list_and_author_suggestions_take_hostile_filters(client, catalogue):
    @settings(FUZZ, max_examples=25)
    @given(params)
    def check(example):
        q, pairs = example
        assert_page(get(client, "/publications/", urlencode(pairs)))
        suggest = get(client, "/authors/suggest/", urlencode([("q", q)]))
        assert suggest.status_code in (200, 400)
        assert suggest.json() is not None

    check()


@pytest.mark.parametrize("path", ["/api/search", "/search/"])
def test_ten_kilobytes_of_operators_in_every_parameter_at_once(client, catalogue, path):
    """The worst case in one request, so it runs every time, not only when drawn."""
    wall = ('!(-"a" <-> b:* | ~c & \')\x00\u202e' * LONG)[:LONG]
    query = urlencode([("q", wall), *((name, wall) for name in FILTERS), ("topic", "trade")])

    response = get(client, path, query)

    if path == "/api/search":
        assert response.status_code == 400  # the page number is not a number
        assert "page" in response.json()["error"]
    else:
        assert_page(response)


@pytest.mark.parametrize("q", ["\x00", "ab\x00cd", "\x00" * 300, "Ana" + "\x00" * 5, "a" * LONG])
def test_author_suggestions_take_nul_bytes_and_long_input(client, catalogue, q):
    """Found by the fuzzing above: a NUL byte reached PostgreSQL and made a 500."""
    response = client.get("/authors/suggest/", {"q": q})

    assert response.status_code == 200
    assert isinstance(response.json(), list)
