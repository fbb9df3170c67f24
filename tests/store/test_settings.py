from frontline.store import database_url, safe_url
from frontline.store.settings import DEFAULT_DATABASE_URL


def test_default_is_a_sqlite_file() -> None:
    assert database_url({}) == DEFAULT_DATABASE_URL == "sqlite:///var/frontline.db"


def test_environment_overrides_the_default() -> None:
    url = "postgresql+psycopg://frontline:s3cret@db:5432/frontline"
    assert database_url({"FRONTLINE_DATABASE_URL": f"  {url}\n"}) == url


def test_an_empty_variable_means_the_default() -> None:
    assert database_url({"FRONTLINE_DATABASE_URL": " "}) == DEFAULT_DATABASE_URL


def test_safe_url_masks_the_password() -> None:
    shown = safe_url("postgresql+psycopg://frontline:s3cret@db:5432/frontline")
    assert "s3cret" not in shown
    assert shown == "postgresql+psycopg://frontline:***@db:5432/frontline"
    assert safe_url("sqlite:///var/frontline.db") == "sqlite:///var/frontline.db"
