"""Demo data: an office with staff, client companies and their people, all with one password.

Idempotent: running it again changes nothing. Everything goes through the same use cases and
events as real data, so every service learns about it from Kafka.
"""

from __future__ import annotations

import asyncpg

from auth import seed

OFFICE = ("5213870271", "Biuro Rachunkowe Rachmistrz Demo")
CLIENTS = [
    ("5261040828", "Piekarnia Kowalski sp. z o.o."),
    ("7740001454", "Transport Nowak S.A."),
    ("1132853869", "Kwiaciarnia Róża Anna Wiśniewska"),
]
# Not a client of the demo office: the multi-company person also works here.
OTHER_COMPANY = ("9542751368", "Warsztat Zielony sp.j.")


async def create(pool: asyncpg.Pool, password: str) -> list[tuple[str, str, str]]:
    """Returns (e-mail, organisation, role) of every demo account."""
    office = await seed.ensure_office(pool, *OFFICE)
    clients = [await seed.ensure_client(pool, office, nip, name) for nip, name in CLIENTS]
    other = await seed.ensure_company(pool, *OTHER_COMPANY)
    staff = [
        ("admin@demo.rachmistrz.pl", "Anna Administratorka", "admin", True),
        ("kierownik@demo.rachmistrz.pl", "Marek Kierownik", "manager", True),
        ("ksiegowa@demo.rachmistrz.pl", "Ewa Księgowa", "employee", True),
        ("asystent@demo.rachmistrz.pl", "Piotr Asystent", "employee", False),
    ]
    accounts = []
    for email, name, role, all_clients in staff:
        user = await seed.ensure_member(
            pool, office, email, name, role, password, all_clients=all_clients
        )
        accounts.append((email, office.name, role))
        if not all_clients:
            await seed.ensure_assignment(pool, office, user, clients[0])
            accounts[-1] = (email, office.name, f"{role} (tylko {clients[0].name})")
    people = [
        ("jan.kowalski@piekarnia.demo.rachmistrz.pl", "Jan Kowalski", clients[0], "client"),
        ("zofia.nowak@transport.demo.rachmistrz.pl", "Zofia Nowak", clients[1], "client"),
        ("zofia.nowak@transport.demo.rachmistrz.pl", "Zofia Nowak", other, "employee"),
        ("roza@kwiaciarnia.demo.rachmistrz.pl", "Róża Wiśniewska", clients[2], "client"),
    ]
    for email, name, company, role in people:
        await seed.ensure_member(pool, company, email, name, role, password)
        accounts.append((email, company.name, role))
    return accounts
