"""Forms read off a rendered page, as a browser would see them, so tests can fill in every field
of every form without knowing the form classes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    name: str
    kind: str  #: input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class PageForm:
    action: str
    method: str
    enctype: str
    fields: list[FormField] = field(default_factory=list)

    def names(self, *kinds: str) -> list[str]:
        """Field names (once each), of the given kinds or all, apart from the CSRF token."""
        seen = []
        for item in self.fields:
            wanted = not kinds or item.kind in kinds
            if wanted and item.name not in seen and item.name != "csrf_token":
                seen.append(item.name)
        return seen

    def defaults(self) -> dict[str, object]:
        """What the browser would send untouched, with a choice made where none is checked."""
        values: dict[str, object] = {}
        for item in self.fields:
            if item.kind in ("submit", "button", "reset", "image"):
                continue
            if item.kind == "radio":
                if item.checked or item.name not in values:
                    values[item.name] = item.value
            elif item.kind == "checkbox":
                if item.checked:
                    current = values.setdefault(item.name, [])
                    if isinstance(current, list):
                        current.append(item.value)
            elif item.kind == "select":
                chosen = item.value or next((o for o in item.options if o), "")
                values[item.name] = chosen
            elif item.kind == "file":
                continue
            else:
                values[item.name] = item.value
        return values

    def text_fields(self) -> list[str]:
        return self.names("text", "textarea", "search", "email", "tel", "url", "number", "")

    def choice_fields(self) -> dict[str, list[str]]:
        choices: dict[str, list[str]] = {}
        for item in self.fields:
            if item.kind in ("radio", "checkbox"):
                choices.setdefault(item.name, []).append(item.value)
            elif item.kind == "select":
                choices.setdefault(item.name, []).extend(item.options)
        return choices


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(
                PageForm(
                    a.get("action", ""),
                    a.get("method", "get").lower(),
                    a.get("enctype", "application/x-www-form-urlencoded"),
                )
            )
            return
        if not self.forms or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        form = self.forms[-1]
        if tag == "input":
            form.fields.append(
                FormField(
                    a["name"],
                    a.get("type", "text").lower(),
                    a.get("value", ""),
                    checked="checked" in a,
                )
            )
        elif tag == "select":
            self._select = FormField(a["name"], "select")
            form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea")
            form.fields.append(self._textarea)
        elif tag == "button" and a.get("name"):
            form.fields.append(FormField(a["name"], "submit", a.get("value", "")))
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a: dict) -> None:
        value = a.get("value", "")
        self._select.options.append(value)
        if "selected" in a:
            self._select.value = value

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def page_forms(html: str) -> list[PageForm]:
    """Every form on the page, in order."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    # A leading newline in a textarea is not part of its value (HTML parsing rules).
    for form in parser.forms:
        for item in form.fields:
            if item.kind == "textarea" and item.value.startswith("\n"):
                item.value = item.value[1:]
    return parser.forms
