"""Errors an API returns: a machine-readable code and a Polish message for the user.

Every 4xx body has the shape `{"error": {"code": "...", "message": "...", "details": ...}}`.
Domain modules raise `ApiError` subclasses (or their own errors mapped in `api.py`); one
handler renders them.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status_code = 400
    code = "bad_request"
    message = "Nieprawidłowe żądanie."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, details: Any = None
    ) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.details = details
        super().__init__(f"{self.code}: {self.message}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class Unauthenticated(ApiError):
    status_code = 401
    code = "unauthenticated"
    message = "Brak ważnego tokenu dostępu. Zaloguj się ponownie."


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"
    message = "Nie masz uprawnień do tej operacji."


class NotFound(ApiError):
    status_code = 404
    code = "not_found"
    message = "Nie znaleziono zasobu."


class Conflict(ApiError):
    status_code = 409
    code = "conflict"
    message = "Operacja koliduje z bieżącym stanem danych."


class InvalidInput(ApiError):
    status_code = 422
    code = "invalid_input"
    message = "Przesłane dane są nieprawidłowe."
