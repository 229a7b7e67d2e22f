"""HTML visualisation: a Jinja2 template with autoescaping; QR codes inline as SVG."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from invoices.render.qr import qr_svg_data_uri
from invoices.render.view import (
    APPROVALS,
    BOOKINGS,
    DIRECTIONS,
    View,
    party_lines,
    pl_date,
    pl_money,
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("invoices.render", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=pl_money, day=pl_date)
    env.globals.update(
        party_lines=party_lines,
        qr=qr_svg_data_uri,
        DIRECTIONS=DIRECTIONS,
        APPROVALS=APPROVALS,
        BOOKINGS=BOOKINGS,
    )
    return env


def render_html(view: View) -> str:
    return environment().get_template("invoice.html").render(v=view, inv=view.invoice, row=view.row)
