from datetime import timedelta
from uuid import uuid4

import pytest

from chassis.errors import Unauthenticated
from chassis.testing import TokenFactory
from chassis.tokens import TokenVerifier, sign_access_token


def _verifier(factory: TokenFactory) -> TokenVerifier:
    return TokenVerifier(
        issuer="rachmistrz-auth", audience="rachmistrz", public_key_pem=factory.public_pem
    )


async def test_a_token_carries_exactly_one_context_and_role() -> None:
    factory = TokenFactory()
    org = uuid4()
    principal = await _verifier(factory).verify(factory.token(org, org_kind="office", role="admin"))
    assert (principal.org_id, principal.org_kind, principal.role) == (org, "office", "admin")


async def test_a_token_signed_with_another_key_is_refused() -> None:
    stranger, factory = TokenFactory(), TokenFactory()
    token = stranger.token(uuid4(), org_kind="office", role="admin")
    with pytest.raises(Unauthenticated):
        await _verifier(factory).verify(token)


async def test_an_expired_token_is_refused() -> None:
    factory = TokenFactory()
    token = sign_access_token(
        factory.private_pem,
        user_id=uuid4(),
        org_id=uuid4(),
        org_kind="company",
        role="employee",
        ttl=timedelta(seconds=-5),
    )
    with pytest.raises(Unauthenticated):
        await _verifier(factory).verify(token)


async def test_a_token_for_another_audience_is_refused() -> None:
    factory = TokenFactory()
    token = sign_access_token(
        factory.private_pem,
        user_id=uuid4(),
        org_id=uuid4(),
        org_kind="company",
        role="employee",
        audience="someone-else",
    )
    with pytest.raises(Unauthenticated):
        await _verifier(factory).verify(token)
