"""Templates: Polish subject, text and HTML; user text escaped in HTML; bad requests refused."""

from __future__ import annotations

import pytest

from messaging.domain import InvalidEmailRequest
from messaging.notices import polish_amount
from messaging.rendering import TEMPLATES, render

LINK = "https://rachmistrz.example/x"

SAMPLES = {
    "activation": {"link": LINK, "full_name": "Anna", "org_name": "Biuro"},
    "invitation": {"link": LINK, "org_name": "Biuro", "role": "employee", "inviter": "Jan"},
    "password_reset": {"link": LINK},
    "new_message": {
        "link": LINK,
        "thread_subject": "Faktura",
        "author": "Jan",
        "excerpt": "Treść",
        "company_name": "Firma",
    },
    "invoice_send_failed": {"link": LINK, "message": "Błędny NIP nabywcy.", "retryable": "yes"},
    "tax_due": {
        "link": LINK,
        "title": "VAT",
        "amount": "10,00 zł",
        "due_date": "25.11.2026",
        "stage": "overdue",
        "account": "12 1050",
    },
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_subject_text_and_html_with_the_link(template: str) -> None:
    email = render(template, SAMPLES[template])
    assert email.subject
    assert "\n" not in email.subject
    assert LINK in email.text
    assert f'href="{LINK}"' in email.html
    assert email.html.startswith("<!DOCTYPE html>")
    assert 'lang="pl"' in email.html


def test_optional_params_may_be_left_out() -> None:
    email = render("activation", {"link": LINK})
    assert email.text.startswith("Dzień dobry,\n")


def test_user_text_cannot_inject_markup_into_html() -> None:
    params = {**SAMPLES["new_message"], "excerpt": '<img src=x onerror="alert(1)">'}
    email = render("new_message", params)
    assert "<img" not in email.html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in email.html
    assert '<img src=x onerror="alert(1)">' in email.text


def test_overdue_and_upcoming_taxes_read_differently() -> None:
    overdue = render("tax_due", SAMPLES["tax_due"])
    upcoming = render("tax_due", {**SAMPLES["tax_due"], "stage": "upcoming"})
    assert overdue.subject == "Po terminie: VAT – 10,00 zł"
    assert upcoming.subject == "Zbliża się termin: VAT – 10,00 zł"


@pytest.mark.parametrize(
    ("template", "params", "problem"),
    [
        ("welcome", {"link": LINK}, "unknown template"),
        ("activation", {}, "needs link"),
        ("invitation", {"link": LINK}, "needs org_name"),
        ("password_reset", {"link": "javascript:alert(1)"}, "http(s) URL"),
    ],
)
def test_requests_that_cannot_be_rendered_are_refused(
    template: str, params: dict[str, str], problem: str
) -> None:
    with pytest.raises(InvalidEmailRequest, match=problem.replace("(", r"\(").replace(")", r"\)")):
        render(template, params)


def test_amounts_are_printed_the_polish_way() -> None:
    assert polish_amount(5) == "0,05 zł"
    assert polish_amount(123456789) == "1\u00a0234\u00a0567,89 zł"
