import pytest

from tests.search.shelf import api, make_shelf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "page_size=0",
        "page_size=101",
        "page_size=many",
        "published_after=2024-13-01",
        "published_after=2024/01/01",
        "published_before=yesterday",
        "published_after=2024-06-01&published_before=2024-01-01",
        "type=pamphlet",
        "type=report&type=pamphlet",
        "sort=best",
        "page=501&page_size=20",
        "page=2&page_size=100&q=x" + "&page=101",
        "topic=" + "&topic=".join(f"t{n}" for n in range(51)),
    ],
)
def test_malformed_or_out_of_range_parameters_get_a_400_with_an_error(client, query):
    make_shelf()

    data = api(client, query, status=400)

    assert set(data) == {"error"}
    assert isinstance(data["error"], str)
    assert data["error"]


def test_error_names_the_parameter(client):
    assert api(client, "page_size=101", status=400)["error"].startswith("page_size: ")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!",
        "???",
        "' OR 1=1 --",
        "'; DROP TABLE search_searchquery; --",
        "\x00",
        "tariffs\x00ports",
        "<script>alert(1)</script>",
        '"unclosed phrase',
        "-",
        "-tariffs",
        '-"',
        "& | ! ( ) : * \\ <-> <2>",
        "Безопасность энергетики",
        "能源安全",
        "الأمن",
        "😀 🚢",
        "a " * 5000,
        "tariffs " * 2000,
    ],
)
def test_odd_and_hostile_queries_never_fail(client, query):
    make_shelf()

    response = client.get("/api/search", {"q": query})

    assert response.status_code in (200, 400)
    assert response.json()


def test_rate_limit_answers_429_in_json_when_enabled(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.SEARCH_API_RATE_LIMIT = "2/m"

    statuses = [client.get("/api/search?q=x").status_code for _ in range(3)]
    over = client.get("/api/search?q=x")

    assert statuses == [200, 200, 429]
    assert over.status_code == 429
    assert "error" in over.json()
    assert over["Retry-After"] == "60"


def test_rate_limit_is_off_when_disabled(client, settings):
    settings.RATELIMIT_ENABLED = False
    settings.SEARCH_API_RATE_LIMIT = "1/m"

    assert {client.get("/api/search?q=x").status_code for _ in range(3)} == {200}
