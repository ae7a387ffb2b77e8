"""A browser stand-in for the demo tool's journeys: a requests.Session (so the tool's and the
platform's cookies are kept, as a browser keeps them) that reads HTML forms and submits them the way
a person or an auto-submitting page would. Platform-neutral: the launch starts from any login
initiation (URL + parameters) and follows the platform's authorization answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import requests


@dataclass
class Form:
    action: str
    method: str
    id: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)  # radio/checkbox name → values
    kinds: dict[str, str] = field(default_factory=dict)  # radio/checkbox name → "radio" | "checkbox"
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = Form(
                urljoin(self.base_url, a.get("action", "")), a.get("method", "get").upper(), a.get("id", "")
            )
            self.forms.append(self._current)
            if self._current.id:
                self._by_id[self._current.id] = self._current
            return
        form = self._by_id.get(a["form"]) if "form" in a else self._current
        if form is None:
            return
        kind = a.get("type", "text" if tag == "input" else "submit")
        if tag == "input" and kind in ("hidden", "text"):
            form.hidden[a.get("name", "")] = a.get("value", "")
        elif tag == "input" and kind in ("radio", "checkbox"):
            form.options.setdefault(a.get("name", ""), []).append(a.get("value", "on"))
            form.kinds[a.get("name", "")] = kind
        elif tag == "button" and kind == "submit":
            form.buttons.append((a.get("name", ""), a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_of(response: requests.Response) -> list[Form]:
    parser = _FormParser(response.url)
    parser.feed(response.text)
    return parser.forms


def form_of(response: requests.Response, form_id: str | None = None) -> Form:
    found = forms_of(response)
    if form_id is not None:
        found = [form for form in found if form.id == form_id]
    if not found:
        raise AssertionError(
            f"no form {form_id or ''} in {response.url} ({response.status_code}):\n{response.text[:1500]}"
        )
    return found[0]


class Browser:
    """One person's browser (its own cookie jar)."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.session.get(url, timeout=20, **kwargs)

    def submit(
        self, form: Form, values: dict[str, str | list[str]] | None = None, button: str | None = None
    ) -> requests.Response:
        """Submits `form` with its hidden fields, the chosen radio/checkbox `values` and the
        submit button whose value is `button` (the first one's name/value when it has a name)."""
        data: list[tuple[str, str]] = list(form.hidden.items())
        for name, value in (values or {}).items():
            for one in [value] if isinstance(value, str) else value:
                data.append((name, one))
        pressed = next((b for b in form.buttons if button is not None and b[1] == button), None)
        if pressed is None and button is None and form.buttons:
            pressed = form.buttons[0]
        if pressed and pressed[0]:
            data.append(pressed)
        if form.method == "POST":
            return self.session.post(form.action, data=data, timeout=20)
        return self.session.get(form.action, params=data, timeout=20)

    def launch(self, login_url: str, params: dict[str, str]) -> requests.Response:
        """A third-party initiated login (POST, as platforms' launch pages do): the tool redirects
        to the platform's authorization endpoint, whose page posts the id_token back to the tool."""
        response = self.session.post(login_url, data=params, timeout=20)
        assert response.status_code == 200, (response.status_code, response.url, response.text[:1500])
        return self.submit(form_of(response))
