"""Errors of accounts, sessions and memberships: a code for machines, Polish for people."""

from __future__ import annotations

from chassis.errors import ApiError, Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated


class InvalidEmail(InvalidInput):
    code = "invalid_email"
    message = "Nieprawidłowy adres e-mail."


class WeakPassword(InvalidInput):
    code = "weak_password"
    message = "Hasło jest zbyt słabe."


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    message = "Nieprawidłowy e-mail lub hasło."


class SecondFactorRequired(Unauthenticated):
    code = "second_factor_required"
    message = "Podaj kod z aplikacji uwierzytelniającej albo kod odzyskiwania."


class InvalidSecondFactor(Unauthenticated):
    code = "invalid_second_factor"
    message = "Nieprawidłowy kod drugiego składnika."


class TooManyAttempts(ApiError):
    status_code = 429
    code = "too_many_attempts"
    message = "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie później."


class AccountLocked(TooManyAttempts):
    code = "account_locked"
    message = "Konto jest czasowo zablokowane po wielu nieudanych próbach logowania."


class InvalidLink(ApiError):
    status_code = 410
    code = "invalid_link"
    message = "Link jest nieprawidłowy, wygasł albo został już użyty."


class InvalidRefreshToken(Unauthenticated):
    code = "invalid_refresh_token"
    message = "Sesja wygasła lub została zakończona. Zaloguj się ponownie."


class RefreshTokenReused(Unauthenticated):
    code = "refresh_token_reused"
    message = "Token odświeżania użyto ponownie; sesję zakończono ze względów bezpieczeństwa."


class SessionEnded(Unauthenticated):
    code = "session_ended"
    message = "Sesja została zakończona. Zaloguj się ponownie."


class ContextRequired(Forbidden):
    code = "context_required"
    message = "Najpierw wybierz organizację, w której chcesz pracować."


class NotAMember(Forbidden):
    code = "not_a_member"
    message = "Nie należysz do tej organizacji."


class MembershipSuspended(Forbidden):
    code = "membership_suspended"
    message = (
        "Administrator zawiesił Twój dostęp do tej organizacji. Skontaktuj się z nim, aby go"
        " przywrócić."
    )


class CannotSuspendSelf(Conflict):
    code = "cannot_suspend_self"
    message = "Nie możesz zawiesić własnego dostępu do organizacji."


class RoleNotAllowed(Forbidden):
    code = "role_not_allowed"
    message = "Nie możesz nadać tej roli."


class UserExists(Conflict):
    code = "user_exists"
    message = "Konto z tym adresem e-mail już istnieje; zaproś tę osobę do organizacji."


class AlreadyMember(Conflict):
    code = "already_member"
    message = "Ta osoba już należy do organizacji."


class InvitationPending(Conflict):
    code = "invitation_pending"
    message = "Ta osoba ma już oczekujące zaproszenie do tej organizacji."


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    message = "Nie znaleziono oczekującego zaproszenia."


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = "Nie znaleziono członka organizacji."


class CompanyNotFound(NotFound):
    code = "company_not_found"
    message = "Nie znaleziono firmy."


class SessionNotFound(NotFound):
    code = "session_not_found"
    message = "Nie znaleziono sesji."


class LastAdmin(Conflict):
    code = "last_admin"
    message = "Organizacja musi mieć co najmniej jednego administratora."


class TotpAlreadyEnabled(Conflict):
    code = "totp_already_enabled"
    message = "Drugi składnik jest już włączony."


class TotpNotSetUp(Conflict):
    code = "totp_not_set_up"
    message = "Najpierw rozpocznij konfigurację drugiego składnika."


class WrongPassword(InvalidInput):
    code = "wrong_password"
    message = "Obecne hasło jest nieprawidłowe."
