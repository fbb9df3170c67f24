"""Which language a request is answered in: Chinese unless the reader asked for English."""

from __future__ import annotations

from starlette.requests import Request

from frontline.web.catalogue import LANGUAGES, Language

LANGUAGE_COOKIE = "frontline_lang"
LANGUAGE_PARAMETER = "lang"


def from_accept_language(header: str | None) -> Language:
    """The language an `Accept-Language` header prefers among ours (zh when it names neither).

    Tags are weighed by their q-values; `zh-CN`, `zh-Hans` and `zh` all mean Chinese, any
    `en-*` English. Malformed parts are skipped rather than refused: it is only a preference.
    """
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate((header or "").split(",")):
        tag, _, parameters = part.strip().partition(";")
        language = _ours(tag.strip())
        if language is None:
            continue
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        if weight <= 0:
            continue
        # Higher weight wins; on a tie, the one listed first.
        candidate = (weight, -position, language)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best is not None else "zh"


def of_request(request: Request) -> Language:
    """The language of an API answer: from `Accept-Language`."""
    return from_accept_language(request.headers.get("accept-language"))


def of_page(request: Request) -> Language:
    """The language of a console page: `?lang=`, else the cookie, else `Accept-Language`."""
    for value in (
        request.query_params.get(LANGUAGE_PARAMETER),
        request.cookies.get(LANGUAGE_COOKIE),
    ):
        chosen = _ours(value or "")
        if chosen is not None:
            return chosen
    return of_request(request)


def asked_for(request: Request) -> Language | None:
    """The language the query string asks for (the switch link), to remember in a cookie."""
    return _ours(request.query_params.get(LANGUAGE_PARAMETER) or "")


def _ours(tag: str) -> Language | None:
    primary = tag.lower().split("-")[0]
    for language in LANGUAGES:
        if primary == language:
            return language
    return None
