"""E-mail templates: Polish subject, plain text and HTML per template name (jinja2).

HTML is autoescaped, so names and messages typed by users cannot inject markup; text parts are
not escaped. Every parameter a template names must be given (StrictUndefined); optional ones
are filled with "" before rendering, so a typo in a template fails loudly in tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2 import TemplateError as JinjaError

from messaging.domain import InvalidEmailRequest


@dataclass(frozen=True)
class TemplateSpec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Parameters holding URLs: only http(s) is accepted, never javascript: and the like.
    links: tuple[str, ...] = ("link",)


TEMPLATES: dict[str, TemplateSpec] = {
    "activation": TemplateSpec(required=("link",), optional=("full_name", "org_name")),
    "invitation": TemplateSpec(required=("link", "org_name"), optional=("role", "inviter")),
    "password_reset": TemplateSpec(required=("link",)),
    "new_message": TemplateSpec(
        required=("link", "thread_subject", "author", "excerpt"), optional=("company_name",)
    ),
    "invoice_send_failed": TemplateSpec(
        required=("link", "message"), optional=("company_name", "retryable")
    ),
    "tax_due": TemplateSpec(
        required=("link", "title", "amount", "due_date", "stage"),
        optional=("company_name", "account"),
    ),
}

ROLE_LABELS = {
    "admin": "administrator",
    "manager": "kierownik",
    "employee": "pracownik",
    "owner": "właściciel",
    "client": "klient",
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


_env = Environment(
    loader=PackageLoader("messaging", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render(template: str, params: dict[str, str]) -> RenderedEmail:
    """Render one template; unknown templates and missing or unsafe params are refused."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise InvalidEmailRequest(f"unknown template {template!r}")
    missing = [name for name in spec.required if not params.get(name)]
    if missing:
        raise InvalidEmailRequest(f"template {template!r} needs {', '.join(missing)}")
    for name in spec.links:
        value = params.get(name, "")
        if value and not value.startswith(("https://", "http://")):
            raise InvalidEmailRequest(f"{name} must be an http(s) URL")
    values: dict[str, Any] = dict.fromkeys(spec.optional, "")
    values.update(params)
    if template == "invitation" and values.get("role"):
        values["role"] = ROLE_LABELS.get(values["role"], values["role"])
    try:
        # One line (a header), keeping the non-breaking spaces that group amounts.
        subject_lines = _env.get_template(f"{template}.subject.txt").render(values)
        subject = re.sub(r"[ \t\r\n]+", " ", subject_lines).strip()
        text = _env.get_template(f"{template}.txt").render(values)
        html = _env.get_template(f"{template}.html").render({**values, "subject": subject})
    except JinjaError as error:
        raise InvalidEmailRequest(f"template {template!r} failed: {error}") from error
    return RenderedEmail(subject=subject, text=text, html=html)
