"""Rendering console pages: the Jinja templates, the shell around every page, the language.

Every page extends `base.html` (header with the reader, navigation by role, language switch)
and gets `t(key, **values)` for its sentences, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from frontline import __version__
from frontline.settings import Settings
from frontline.staff.principal import Principal
from frontline.web.catalogue import Catalogue, Language
from frontline.web.console.session import CONSOLE_PATH, USER_STATE, ConsoleUser
from frontline.web.cookies import queue_cookie
from frontline.web.csrf import CSRF_COOKIE, CSRF_FIELD, CsrfGuard
from frontline.web.language import LANGUAGE_COOKIE, LANGUAGE_PARAMETER, asked_for, of_page
from frontline.web.navigation import Navigation
from frontline.web.problems import CSRF, Problem, ProblemDetails

TEMPLATES = Path(__file__).parents[1] / "templates"
_YEAR = 365 * 24 * 3600
_NEW_SEED = "frontline_csrf_seed"
PAGE_HEADERS = {
    # Pages run no script and load only this site's files; no other site may frame them
    # (a framed sign-out button is a click away from a forged request).
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Pages:
    """The console's renderer for one app."""

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        navigation: Navigation,
        csrf: CsrfGuard,
        settings: Settings,
        template_folders: Sequence[Path] = (),
    ) -> None:
        self.catalogue = catalogue
        self.navigation = navigation
        self.csrf = csrf
        self.settings = settings
        self.environment = Environment(
            loader=ChoiceLoader([FileSystemLoader(f) for f in (TEMPLATES, *template_folders)]),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(
        self,
        request: Request,
        template: str,
        *,
        user: ConsoleUser | None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """The page `template` in the shell, for `user` (None on the sign-in page)."""
        language = of_page(request)
        self._remember_language(request)
        values = {
            **self._shell(request, language, user),
            "csrf_field": CSRF_FIELD,
            "csrf_token": self.csrf.token(self._csrf_seed(request)),
            **context,
        }
        html = self.environment.get_template(template).render(values)
        page_headers = {
            **PAGE_HEADERS,
            "Cache-Control": "no-store",
            "Content-Language": _tag(language),
        }
        return HTMLResponse(html, status_code=status, headers={**page_headers, **(headers or {})})

    def check_csrf(self, request: Request, token: str) -> None:
        """Refuse a form post whose CSRF token does not match the request's cookie."""
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            raise Problem(CSRF)

    def redirect(self, request: Request, location: str) -> Response:
        """A 303 to `location` (after a form, or to the sign-in page)."""
        self._remember_language(request)
        return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})

    def problem_page(
        self, request: Request, details: ProblemDetails, headers: Mapping[str, str]
    ) -> Response | None:
        """A console request's problem as a page in the shell; None for other requests."""
        path = request.url.path
        if path != CONSOLE_PATH and not path.startswith(CONSOLE_PATH + "/"):
            return None
        return self.render(
            request,
            "problem.html",
            user=request.scope.get("state", {}).get(USER_STATE),
            status=details.status,
            headers=headers,
            problem=details,
        )

    def _shell(
        self, request: Request, language: Language, user: ConsoleUser | None
    ) -> dict[str, Any]:
        catalogue = self.catalogue

        def t(key: str, **values: object) -> str:
            return catalogue.text(key, language, **values)

        principal: Principal | None = user.principal if user else None
        entries = self.navigation.visible_to(principal) if principal else []
        other: Language = "en" if language == "zh" else "zh"
        return {
            "t": t,
            "lang": language,
            "html_lang": _tag(language),
            "user": principal,
            "department": user.department.in_(language) if user else "",
            "roles": [t(f"role.{r.value}") for r in sorted(principal.roles)] if principal else [],
            "nav": [
                {
                    "key": e.key,
                    "label": e.label.in_(language),
                    "description": e.description.in_(language) if e.description else None,
                    "path": e.path,
                    "current": _current(request.url.path, e.path),
                }
                for e in entries
            ],
            "switch_url": _with_language(request, other),
            "static": lambda name: f"/static/{name}?v={__version__}",
        }

    def _csrf_seed(self, request: Request) -> str:
        state = request.scope.setdefault("state", {})
        seed = request.cookies.get(CSRF_COOKIE) or state.get(_NEW_SEED)
        if not seed:
            seed = state[_NEW_SEED] = self.csrf.new_seed()  # later renders of this request agree
            queue_cookie(
                request, CSRF_COOKIE, seed, path=CONSOLE_PATH, secure=self.settings.cookies_secure
            )
        return str(seed)

    def _remember_language(self, request: Request) -> None:
        chosen = asked_for(request)
        if chosen is not None:
            queue_cookie(
                request,
                LANGUAGE_COOKIE,
                chosen,
                max_age=_YEAR,
                path=CONSOLE_PATH,
                secure=self.settings.cookies_secure,
                samesite="lax",
            )


async def get_pages(request: Request) -> Pages:
    """The app's console renderer."""
    pages: Pages = request.app.state.pages
    return pages


PagesDep = Annotated[Pages, Depends(get_pages)]


def _current(path: str, entry: str) -> bool:
    if entry == CONSOLE_PATH:
        return path == CONSOLE_PATH
    return path == entry or path.startswith(entry + "/")


def _with_language(request: Request, language: Language) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != LANGUAGE_PARAMETER]
    query.append((LANGUAGE_PARAMETER, language))
    return f"{request.url.path}?{urlencode(query)}"


def _tag(language: Language) -> str:
    return "zh-CN" if language == "zh" else "en"
