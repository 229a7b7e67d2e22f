"""The gateway's API errors: a code for programs and a Polish message for people."""

from __future__ import annotations

from chassis.errors import ApiError, Conflict, Forbidden, InvalidInput, NotFound


class InvalidCertificate(InvalidInput):
    code = "invalid_certificate"
    message = "Nie udało się odczytać certyfikatu. Prześlij certyfikat w formacie PEM lub CRT."


class InvalidPrivateKey(InvalidInput):
    code = "invalid_private_key"
    message = "Nie udało się odczytać klucza prywatnego. Prześlij klucz w formacie PEM."


class WrongKeyPassword(InvalidInput):
    code = "wrong_key_password"
    message = "Hasło do klucza prywatnego jest nieprawidłowe."


class KeyDoesNotMatchCertificate(InvalidInput):
    code = "key_certificate_mismatch"
    message = "Klucz prywatny nie pasuje do certyfikatu."


class CertificateExpired(InvalidInput):
    code = "certificate_expired"
    message = "Certyfikat jest nieważny (wygasł lub nie jest jeszcze ważny)."


class CertificateWithoutNip(InvalidInput):
    code = "certificate_without_nip"
    message = "Certyfikat nie wskazuje NIP (TINPL-/VATPL-), a jest on potrzebny do logowania."


class UnsignedXml(InvalidInput):
    code = "xml_unsigned"
    message = (
        "Przesłany plik nie zawiera podpisu XAdES. Podpisz pobrany plik i prześlij go ponownie."
    )


class TamperedXml(InvalidInput):
    code = "xml_signature_invalid"
    message = "Podpis pliku jest nieprawidłowy albo treść zmieniono po podpisaniu."


class XmlNotReadable(InvalidInput):
    code = "xml_unreadable"
    message = "Przesłany plik nie jest poprawnym dokumentem XML."


class ChallengeMismatch(InvalidInput):
    code = "xml_challenge_mismatch"
    message = (
        "Podpisany plik nie pochodzi z ostatniego pobrania albo wygasł (ważny 10 minut)."
        " Pobierz plik ponownie, podpisz i prześlij."
    )


class NoPendingRequest(Conflict):
    code = "no_pending_auth_request"
    message = "Najpierw pobierz plik AuthTokenRequest do podpisu."


class InvalidKsefToken(InvalidInput):
    code = "invalid_ksef_token"
    message = "Token KSeF ma nieprawidłowy format."


class KsefRejected(ApiError):
    status_code = 422
    code = "ksef_rejected"
    message = "KSeF odrzucił logowanie tymi danymi."


class KsefUnavailableError(ApiError):
    status_code = 503
    code = "ksef_unavailable"
    message = "KSeF jest chwilowo niedostępny. Spróbuj ponownie za kilka minut."


class OfficeCredentialMissing(Conflict):
    code = "office_credential_missing"
    message = "Biuro nie ma jeszcze zarejestrowanego certyfikatu do autoryzacji centralnej."


class NotAnOffice(Forbidden):
    code = "not_an_office"
    message = "Ta operacja jest dostępna tylko w kontekście biura rachunkowego."


class AuthorizationNotConfigured(NotFound):
    code = "ksef_authorization_missing"
    message = "Firma nie ma skonfigurowanej autoryzacji KSeF."
