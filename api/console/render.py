"""How the console's pages are written: Jinja2 templates (`templates/`), numbers in the
visitor's locale (Babel, from the browser's Accept-Language), the navigation their key's
scopes allow, and the headers every page carries (a strict Content-Security-Policy: the
scripts are the console's own files under `/console/static`, nothing from elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from api.console.guard import Visitor

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
DEFAULT_LOCALE = "en_GB"

# (path under /console, label, the scope that shows it)
PAGES = (
    ("network", "Network", "quote"),
    ("plans", "Plans", "plan"),
    ("scenarios", "Scenarios", "plan"),
    ("designs", "Designs", "plan"),
    ("promises", "Promises", "promise"),
    ("quote", "Quote sandbox", "quote"),
)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def visitor_locale(request: Request) -> Locale:
    """The first locale of Accept-Language that Babel knows, else en-GB."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";", 1)[0].strip()
        if not tag or tag == "*":
            continue
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
    return Locale.parse(DEFAULT_LOCALE)


@dataclass(frozen=True)
class Numbers:
    """Numbers as the visitor's locale writes them (templates call these)."""

    locale: Locale

    @property
    def tag(self) -> str:
        return str(self.locale).replace("_", "-")

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "n/a"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: float | str | None, currency: str) -> str:
        if value is None:
            return "n/a"
        return format_currency(value, currency, locale=self.locale)

    def percent(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "n/a"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern, locale=self.locale)

    def signed(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return "n/a"
        text = self.number(abs(value), digits)
        return text if value == 0 else ("+" if value > 0 else "\u2212") + text


def nav(visitor: Visitor | None) -> list[dict[str, str]]:
    if visitor is None:
        return []
    return [{"path": p, "label": label} for p, label, scope in PAGES if visitor.can(scope)]


def page(
    request: Request,
    template: str,
    visitor: Visitor | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    """A template rendered for the visitor (a fragment for an HTMX request when the
    template says so), with the console's headers."""
    numbers = Numbers(visitor_locale(request))
    values = {
        "visitor": visitor,
        "nav": nav(visitor),
        "csrf": "" if visitor is None else visitor.session.csrf_token,
        "fmt": numbers,
        "partial": request.headers.get("hx-request") == "true",
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status)
    response.headers.update({**HEADERS, **(headers or {})})
    return response
