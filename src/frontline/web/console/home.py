"""The console's home page: who you are, and the parts of the console your roles open."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from frontline.web.catalogue import Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUserDep
from frontline.web.features import Feature
from frontline.web.navigation import NavEntry


def router() -> APIRouter:
    """`GET /console`."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("")
    def home(request: Request, pages: PagesDep, user: ConsoleUserDep) -> Response:
        """The home page."""
        return pages.render(request, "home.html", user=user)

    return console


def feature() -> Feature:
    """The console's home page (every signed-in member sees it)."""
    return Feature(
        name="console-home",
        routers=(router(),),
        navigation=(NavEntry("home", Text("首页", "Home"), CONSOLE_PATH, order=0),),
    )
