"""Browsers may keep the refresh token in an HttpOnly cookie; the JSON form keeps working."""

from __future__ import annotations

from http.cookies import SimpleCookie

import httpx

COOKIE = "rachmistrz_refresh"
SEEDED_PASSWORD = "Kasztan-w-Ogrodzie-42"


def refresh_cookie(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The refresh cookie the response sets: its value and attributes (lower-case names)."""
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "=")]
    morsel = SimpleCookie(header)[COOKIE]
    flags = {k: str(v) for k, v in morsel.items() if v}
    lowered = header.lower()
    flags |= {"httponly": str("httponly" in lowered), "secure": str("secure" in lowered)}
    return morsel.value, flags


def sending(token: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token}"}


async def log_in(api: httpx.AsyncClient, world) -> tuple[httpx.Response, str]:
    person = await world.person(await world.office(), "employee")
    response = await api.post(
        "/login",
        json={"email": person.email, "password": SEEDED_PASSWORD, "org_id": str(person.org.id)},
    )
    assert response.status_code == 200, response.text
    return response, person.email


async def test_login_sets_a_strict_http_only_secure_cookie_for_the_refresh_path(
    api: httpx.AsyncClient, world
) -> None:
    response, _ = await log_in(api, world)
    value, flags = refresh_cookie(response)
    assert value == response.json()["refresh_token"]
    assert flags["path"] == "/token/refresh"
    assert flags["samesite"].lower() == "strict"
    assert (flags["httponly"], flags["secure"]) == ("True", "True")
    # The cookie lives as long as the session (30 days by default), not longer.
    assert 29 * 86400 < int(flags["max-age"]) <= 30 * 86400


async def test_refresh_takes_the_cookie_when_the_body_has_no_token_and_rotates_it(
    api: httpx.AsyncClient, world
) -> None:
    login, _ = await log_in(api, world)
    first, _ = refresh_cookie(login)
    refreshed = await api.post("/token/refresh", headers=sending(first))
    assert refreshed.status_code == 200, refreshed.text
    second, _ = refresh_cookie(refreshed)
    assert second == refreshed.json()["refresh_token"] != first
    assert refreshed.json()["context"]["role"] == "employee"
    with_empty_body = await api.post("/token/refresh", json={}, headers=sending(second))
    assert with_empty_body.status_code == 200, with_empty_body.text
    # A spent cookie is a reused refresh token: the whole session ends.
    reused = await api.post("/token/refresh", headers=sending(first))
    assert reused.json()["error"]["code"] == "refresh_token_reused"


async def test_a_token_in_the_body_wins_over_the_cookie(api: httpx.AsyncClient, world) -> None:
    login, _ = await log_in(api, world)
    token = login.json()["refresh_token"]
    refreshed = await api.post(
        "/token/refresh", json={"refresh_token": token}, headers=sending("x" * 43)
    )
    assert refreshed.status_code == 200, refreshed.text


async def test_refresh_without_any_token_is_refused(api: httpx.AsyncClient) -> None:
    for headers in ({}, sending(""), sending("y" * 500)):
        response = await api.post("/token/refresh", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_refresh_token"


async def test_logout_by_cookie_ends_the_session_and_clears_the_cookie(
    api: httpx.AsyncClient, world
) -> None:
    login, _ = await log_in(api, world)
    token, _ = refresh_cookie(login)
    out = await api.post("/logout", headers=sending(token))
    assert out.status_code == 204, out.text
    cleared, flags = refresh_cookie(out)
    assert (cleared, flags["max-age"], flags["path"]) == ("", "0", "/token/refresh")
    me = await api.get("/me", headers=world.bearer(login.json()["access_token"]))
    assert me.json()["error"]["code"] == "session_ended"
    again = await api.post("/token/refresh", headers=sending(token))
    assert again.json()["error"]["code"] == "invalid_refresh_token"


async def test_logout_by_body_token_or_bearer_also_clears_the_cookie(
    api: httpx.AsyncClient, world
) -> None:
    by_body, _ = await log_in(api, world)
    out = await api.post("/logout", json={"refresh_token": by_body.json()["refresh_token"]})
    assert out.status_code == 204, out.text
    assert refresh_cookie(out)[1]["max-age"] == "0"
    by_bearer, _ = await log_in(api, world)
    out = await api.post("/logout", headers=world.bearer(by_bearer.json()["access_token"]))
    assert out.status_code == 204, out.text
    assert refresh_cookie(out)[1]["max-age"] == "0"
    unknown = await api.post("/logout", json={"refresh_token": "z" * 43})
    assert unknown.json()["error"]["code"] == "invalid_refresh_token"
    nothing = await api.post("/logout")
    assert nothing.status_code == 401
