"""The web service: the API, the management console and their shell.

    from frontline.settings import Settings
    from frontline.web import create_app

    app = create_app(Settings())

Later parts add their routes and pages as a `Feature` (see `frontline.web.features`).
"""

from frontline.web.app import create_app
from frontline.web.catalogue import Text
from frontline.web.features import Feature, default_features
from frontline.web.navigation import NavEntry
from frontline.web.problems import Problem, ProblemType, problem_responses

__all__ = [
    "Feature",
    "NavEntry",
    "Problem",
    "ProblemType",
    "Text",
    "create_app",
    "default_features",
    "problem_responses",
]
