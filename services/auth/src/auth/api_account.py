"""HTTP API of accounts and sessions: login, tokens, context, activation, password, 2FA."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response, status

from auth import accounts, invitations, login, sessions, totp
from auth import users_repo as urepo
from auth.principal import (
    AppSettings,
    CallerAddress,
    CurrentUser,
    Keys,
    Pool,
    current_account,
    signed_in,
)
from auth.refresh_cookie import clear_refresh_cookie, presented_token, set_refresh_cookie
from auth.schemas import (
    CodeIn,
    ContextIn,
    ContextPublic,
    EmailIn,
    InvitationPublic,
    LinkIn,
    LinkPublic,
    LoginIn,
    LoginPublic,
    MePublic,
    PasswordChangeIn,
    RecoveryCodesPublic,
    RefreshedPublic,
    RefreshIn,
    SessionPublic,
    TokenPublic,
    TotpDisableIn,
    TotpSetupPublic,
    UserPublic,
)

router = APIRouter(tags=["account"])
UserAgent = Annotated[str | None, Header()]
LinkToken = Annotated[str, Query(min_length=10, max_length=200)]


@router.get("/.well-known/jwks.json", tags=["keys"])
async def jwks(keys: Keys, response: Response) -> dict[str, list[dict[str, str]]]:
    """Public keys that verify access tokens (several during a key rotation)."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return keys.jwks()


@router.post("/login")
async def log_in(
    body: LoginIn,
    response: Response,
    pool: Pool,
    settings: AppSettings,
    keys: Keys,
    ip: CallerAddress,
    user_agent: UserAgent = None,
) -> LoginPublic:
    """Log in; pick a context now (`org_id`) or later with POST /context."""
    creds = login.Credentials(
        body.email, body.password, body.totp_code, body.recovery_code, body.org_id
    )
    new = await login.login(pool, settings, creds, login.Client(ip, user_agent))
    async with pool.acquire() as conn:
        context = await sessions.context_of(conn, new.user.id, new.org_id)
        contexts = await urepo.memberships_of(conn, new.user.id)
        pending = await urepo.pending_invitations(conn, new.user.email)
    access = sessions.issue(keys, settings, new.user.id, new.session_id, context)
    set_refresh_cookie(response, settings, new.refresh_token, new.expires_at)
    return LoginPublic(
        **TokenPublic.of(access).model_dump(),
        refresh_token=new.refresh_token,
        session_id=new.session_id,
        user=UserPublic.of(new.user),
        contexts=[ContextPublic.of(m) for m in contexts],
        pending_invitations=[InvitationPublic.of(i) for i in pending],
    )


@router.post("/token/refresh")
async def refresh(
    request: Request,
    response: Response,
    pool: Pool,
    settings: AppSettings,
    keys: Keys,
    ip: CallerAddress,
    body: RefreshIn | None = None,
) -> RefreshedPublic:
    """Trade a refresh token (in the body, or else the refresh cookie) for a new access token
    and a new refresh token (rotation)."""
    token = presented_token(body.refresh_token if body else None, request, settings)
    result = await sessions.refresh(pool, keys, settings, token, ip)
    set_refresh_cookie(response, settings, result.refresh_token, result.expires_at)
    return RefreshedPublic(
        **TokenPublic.of(result.access).model_dump(), refresh_token=result.refresh_token
    )


@router.post("/context")
async def choose_context(
    body: ContextIn,
    account: CurrentUser,
    pool: Pool,
    settings: AppSettings,
    keys: Keys,
    ip: CallerAddress,
) -> TokenPublic:
    """Work in one of your organisations: a new access token carries it."""
    token = await sessions.choose_context(
        pool, keys, settings, account.user_id, account.session_id, body.org_id, ip
    )
    return TokenPublic.of(token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(
    request: Request,
    response: Response,
    pool: Pool,
    settings: AppSettings,
    keys: Keys,
    ip: CallerAddress,
    body: RefreshIn | None = None,
) -> None:
    """End this session (named by the access token, or else by a refresh token in the body
    or the refresh cookie): its refresh token stops working, the cookie is cleared."""
    if "authorization" in request.headers:
        account = await signed_in(await current_account(request, keys, pool))
        await sessions.end_session(pool, account.user_id, account.session_id, "logout", ip)
    else:
        token = presented_token(body.refresh_token if body else None, request, settings)
        await sessions.end_session_by_refresh_token(pool, token, ip)
    clear_refresh_cookie(response, settings)


@router.get("/sessions")
async def my_sessions(account: CurrentUser, pool: Pool) -> list[SessionPublic]:
    """Your active sessions (devices)."""
    found = await sessions.list_sessions(pool, account.user_id)
    return [SessionPublic.of(s, account.session_id) for s in found]


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_session(
    session_id: UUID, account: CurrentUser, pool: Pool, ip: CallerAddress
) -> None:
    """End one of your sessions."""
    await sessions.end_session(pool, account.user_id, session_id, "revoked", ip)


@router.get("/me")
async def me(account: CurrentUser, pool: Pool) -> MePublic:
    """Who you are, where you can work, and the invitations waiting for you."""
    async with pool.acquire() as conn:
        user = await urepo.get_user(conn, account.user_id)
        assert user is not None
        contexts = await urepo.memberships_of(conn, user.id)
        pending = await urepo.pending_invitations(conn, user.email)
    return MePublic(
        user=UserPublic.of(user),
        contexts=[ContextPublic.of(m) for m in contexts],
        pending_invitations=[InvitationPublic.of(i) for i in pending],
    )


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: PasswordChangeIn, account: CurrentUser, pool: Pool, ip: CallerAddress
) -> None:
    """Change your password; your other sessions end."""
    await accounts.change_password(
        pool, account.user_id, account.session_id, body.current_password, body.new_password, ip
    )


@router.get("/me/invitations")
async def my_invitations(account: CurrentUser, pool: Pool) -> list[InvitationPublic]:
    """Pending invitations addressed to you."""
    return [InvitationPublic.of(i) for i in await invitations.pending_for(pool, account.user_id)]


@router.post("/me/invitations/{invitation_id}/accept")
async def accept_invitation(
    invitation_id: UUID, account: CurrentUser, pool: Pool, ip: CallerAddress
) -> InvitationPublic:
    """Join the organisation with the offered role."""
    found = await invitations.decide(pool, account.user_id, invitation_id, True, ip)
    return InvitationPublic.of(found)


@router.post("/me/invitations/{invitation_id}/reject")
async def reject_invitation(
    invitation_id: UUID, account: CurrentUser, pool: Pool, ip: CallerAddress
) -> InvitationPublic:
    """Decline an invitation."""
    found = await invitations.decide(pool, account.user_id, invitation_id, False, ip)
    return InvitationPublic.of(found)


@router.post("/me/totp")
async def start_totp(account: CurrentUser, pool: Pool, settings: AppSettings) -> TotpSetupPublic:
    """Begin turning on the second factor: scan the QR code, then confirm a code."""
    setup = await totp.start_setup(pool, settings, account.user_id)
    return TotpSetupPublic(secret=setup.secret, otpauth_uri=setup.otpauth_uri, qr_svg=setup.qr_svg)


@router.post("/me/totp/confirm")
async def confirm_totp(
    body: CodeIn, account: CurrentUser, pool: Pool, ip: CallerAddress
) -> RecoveryCodesPublic:
    """Turn the second factor on; keep the recovery codes safe (shown once)."""
    codes = await totp.confirm(pool, account.user_id, body.code, ip)
    return RecoveryCodesPublic(recovery_codes=codes)


@router.post("/me/totp/disable", status_code=status.HTTP_204_NO_CONTENT)
async def disable_totp(
    body: TotpDisableIn, account: CurrentUser, pool: Pool, ip: CallerAddress
) -> None:
    """Turn the second factor off (password and a code required)."""
    await totp.disable(pool, account.user_id, body.password, body.code, ip)


@router.get("/activation")
async def activation_link(token: LinkToken, pool: Pool) -> LinkPublic:
    """Whose activation link this is, if it still works."""
    user = await accounts.describe_link(pool, token, "activation")
    return LinkPublic(email=user.email, full_name=user.full_name)


@router.post("/activation", status_code=status.HTTP_204_NO_CONTENT)
async def activate(body: LinkIn, pool: Pool, ip: CallerAddress) -> None:
    """Set the first password; the account becomes active and the link stops working."""
    await accounts.set_password_by_link(pool, body.token, "activation", body.password, ip)


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def request_reset(
    body: EmailIn, pool: Pool, settings: AppSettings, ip: CallerAddress
) -> dict[str, str]:
    """E-mail a reset link if the account exists (the answer is the same either way)."""
    await accounts.request_password_reset(pool, settings, body.email, ip)
    return {"status": "accepted"}


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
async def confirm_reset(body: LinkIn, pool: Pool, ip: CallerAddress) -> None:
    """Set a new password from a reset link; every session ends."""
    await accounts.set_password_by_link(pool, body.token, "password_reset", body.password, ip)
