"""The message catalogue: every sentence the service shows, in Chinese and English.

Pages and problem details name a message by key (`t("sign_in.title")`); the catalogue picks
the language. Features add their own messages when the app is built; a key is defined once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
"""Chinese first: the default when nothing says otherwise."""


@dataclass(frozen=True, slots=True)
class Text:
    """One message in both languages; `{name}` placeholders are filled by `Catalogue.text`."""

    zh: str
    en: str

    def in_(self, language: Language) -> str:
        """The message in `language`."""
        return self.zh if language == "zh" else self.en


class CatalogueError(KeyError):
    """A message key is unknown, or defined twice."""


class Catalogue:
    """Messages by key, for one app."""

    def __init__(self, messages: Mapping[str, Text] | None = None) -> None:
        self._messages: dict[str, Text] = {}
        if messages:
            self.add(messages)

    def add(self, messages: Mapping[str, Text]) -> None:
        """Add `messages`; a key that is already defined is an error (two features clash)."""
        clash = sorted(messages.keys() & self._messages.keys())
        if clash:
            raise CatalogueError(f"messages defined twice: {', '.join(clash)}")
        self._messages.update(messages)

    def __contains__(self, key: object) -> bool:
        return key in self._messages

    def known(self) -> list[str]:
        """Every key, sorted."""
        return sorted(self._messages)

    def get(self, key: str) -> Text:
        """The message `key` in both languages."""
        try:
            return self._messages[key]
        except KeyError:
            raise CatalogueError(f"no message {key!r}") from None

    def text(self, key: str, language: Language, **values: object) -> str:
        """The message `key` in `language`, its `{placeholders}` filled from `values`."""
        template = self.get(key).in_(language)
        return template.format_map(values) if values else template
