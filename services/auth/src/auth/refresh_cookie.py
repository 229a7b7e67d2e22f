"""The refresh token as an HttpOnly cookie, for browsers (the JSON form stays for other clients).

A script cannot read an HttpOnly cookie, so an XSS bug cannot steal the long-lived token;
SameSite=Strict keeps other sites from making the browser send it; the path keeps it off every
request but the refresh.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request, Response

from auth.config import Settings
from auth.errors import InvalidRefreshToken

MAX_TOKEN_LENGTH = 200


def set_refresh_cookie(
    response: Response, settings: Settings, token: str, expires_at: datetime
) -> None:
    """Keep the token until its session expires (refresh tokens rotate, sessions do not grow)."""
    max_age = max(0, int((expires_at - datetime.now(UTC)).total_seconds()))
    response.set_cookie(
        settings.refresh_cookie_name,
        token,
        max_age=max_age,
        path=settings.cookie_path,
        secure=settings.refresh_cookie_secure,
        httponly=True,
        samesite="strict",
    )


def clear_refresh_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        settings.refresh_cookie_name,
        path=settings.cookie_path,
        secure=settings.refresh_cookie_secure,
        httponly=True,
        samesite="strict",
    )


def presented_token(from_body: str | None, request: Request, settings: Settings) -> str:
    """The body's token if there is one, else the cookie's."""
    token = from_body or request.cookies.get(settings.refresh_cookie_name)
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidRefreshToken()
    return token
