"""KSeF error model and its two wire formats (legacy ExceptionResponse and problem+json)."""

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

VALIDATION_ERROR = 21405
VALIDATION_DESCRIPTION = "Błąd walidacji danych wejściowych."


class KsefError(Exception):
    """A 400 with one KSeF exception code (the codes of the spec's error tables)."""

    def __init__(self, code: int, description: str, *details: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.details = list(details)


class Unauthorized(Exception):
    def __init__(self, detail: str = "Wymagane jest uwierzytelnienie.") -> None:
        super().__init__(detail)
        self.detail = detail


class Forbidden(Exception):
    def __init__(self, reason_code: str, detail: str, security: dict[str, Any] | None = None):
        super().__init__(detail)
        self.reason_code = reason_code
        self.detail = detail
        self.security = security


class Gone(Exception):
    def __init__(self, detail: str = "Operacja wygasła i nie jest już dostępna.") -> None:
        super().__init__(detail)
        self.detail = detail


class TooManyRequests(Exception):
    def __init__(self, retry_after: int, detail: str) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.detail = detail


def _now(request: Request) -> str:
    """The simulated time, like every other timestamp the simulator serves (clock.py)."""
    now: datetime = request.app.state.sim.clock.now()
    return now.astimezone(UTC).isoformat(timespec="microseconds")


def _wants_problem(request: Request) -> bool:
    """`X-Error-Format` (the spec) or a client that accepts only problem+json."""
    if request.headers.get("x-error-format", "").lower() == "problem-details":
        return True
    accept = request.headers.get("accept", "").lower()
    return "application/problem+json" in accept and "application/json" not in accept


def _problem(status: int, title: str, request: Request, **fields: Any) -> JSONResponse:
    body = {
        "title": title,
        "status": status,
        "instance": request.url.path,
        "timestamp": _now(request),
        "traceId": secrets.token_hex(16),
        **fields,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def bad_request(request: Request, errors: list[tuple[int, str, list[str]]]) -> JSONResponse:
    """400 in the format the client asked for (X-Error-Format header)."""
    if _wants_problem(request):
        items = [{"code": c, "description": d, "details": det} for c, d, det in errors]
        return _problem(
            400, "Bad Request", request, detail="Żądanie jest nieprawidłowe.", errors=items
        )
    detail_list = [
        {"exceptionCode": c, "exceptionDescription": d, "details": det} for c, d, det in errors
    ]
    body = {
        "exception": {
            "exceptionDetailList": detail_list,
            "referenceNumber": None,
            "serviceCode": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00",
            "serviceCtx": "srvKSEFSIM",
            "serviceName": "ksef-simulator",
            "timestamp": _now(request),
        }
    }
    return JSONResponse(body, status_code=400)


def too_many(request: Request, exc: TooManyRequests) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)}
    if _wants_problem(request):
        resp = _problem(429, "Too Many Requests", request, detail=exc.detail)
        resp.headers.update(headers)
        return resp
    body = {"status": {"code": 429, "description": "Too Many Requests", "details": [exc.detail]}}
    return JSONResponse(body, status_code=429, headers=headers)


def unavailable(request: Request, retry_after: int) -> JSONResponse:
    """503 while KSeF is down (maintenance or failure), with Retry-After."""
    resp = _problem(
        503,
        "Service Unavailable",
        request,
        detail="System KSeF jest chwilowo niedostępny (prace serwisowe). Spróbuj ponownie później.",
    )
    resp.headers["Retry-After"] = str(retry_after)
    return resp


def _validation_details(exc: RequestValidationError) -> list[str]:
    details = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        details.append(f"'{loc}': {err.get('msg')}")
    return details


def install_error_handlers(app: FastAPI) -> None:
    async def on_ksef(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, KsefError)
        return bad_request(request, [(exc.code, exc.description, exc.details)])

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = _validation_details(exc)
        return bad_request(request, [(VALIDATION_ERROR, VALIDATION_DESCRIPTION, details)])

    async def on_unauthorized(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Unauthorized)
        return _problem(401, "Unauthorized", request, detail=exc.detail)

    async def on_forbidden(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Forbidden)
        extra: dict[str, Any] = {"detail": exc.detail, "reasonCode": exc.reason_code}
        if exc.security is not None:
            extra["security"] = exc.security
        return _problem(403, "Forbidden", request, **extra)

    async def on_gone(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Gone)
        return _problem(410, "Gone", request, detail=exc.detail)

    async def on_too_many(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, TooManyRequests)
        return too_many(request, exc)

    app.add_exception_handler(KsefError, on_ksef)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Unauthorized, on_unauthorized)
    app.add_exception_handler(Forbidden, on_forbidden)
    app.add_exception_handler(Gone, on_gone)
    app.add_exception_handler(TooManyRequests, on_too_many)
