"""The FastAPI application every service builds on: health endpoints and one error format."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.exceptions import HTTPException as StarletteHTTPException

from chassis.errors import ApiError

ReadinessCheck = Callable[[], Awaitable[None]]

_STATUS_CODES = {
    401: ("unauthenticated", "Brak ważnego tokenu dostępu. Zaloguj się ponownie."),
    403: ("forbidden", "Nie masz uprawnień do tej operacji."),
    404: ("not_found", "Nie znaleziono zasobu."),
    405: ("method_not_allowed", "Ta metoda nie jest obsługiwana dla tego adresu."),
    413: ("payload_too_large", "Przesłane dane są zbyt duże."),
}


def _error(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


async def _on_api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status_code)


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"field": ".".join(str(p) for p in e["loc"]), "problem": e["type"], "detail": e["msg"]}
        for e in exc.errors()
    ]
    return _error(422, "invalid_input", "Przesłane dane są nieprawidłowe.", details)


async def _on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _STATUS_CODES.get(exc.status_code, ("http_error", "Błąd żądania."))
    return _error(exc.status_code, code, message)


def health_router(checks: Sequence[tuple[str, ReadinessCheck]]) -> APIRouter:
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        """The process is running."""
        return {"status": "ok"}

    @router.get("/ready")
    async def ready() -> JSONResponse:
        """Every dependency this process needs answers."""
        failed = {}
        for name, check in checks:
            try:
                await check()
            except Exception as error:  # noqa: BLE001 - any failure means "not ready"
                failed[name] = f"{type(error).__name__}: {error}"[:300]
        if failed:
            return JSONResponse({"status": "unavailable", "failed": failed}, status_code=503)
        return JSONResponse({"status": "ok"})

    return router


def create_app(
    *,
    title: str,
    root_path: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    routers: Sequence[APIRouter],
    readiness: Sequence[tuple[str, ReadinessCheck]],
) -> FastAPI:
    app = FastAPI(title=title, root_path=root_path, lifespan=lifespan)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.include_router(health_router(readiness))
    for router in routers:
        app.include_router(router)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health")
    return app
