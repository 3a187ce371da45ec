"""The error values of DealerLink, mapped to HTTP once, at the API edge.

Domain and store code raise these; handlers never build error responses by hand.
"""

from __future__ import annotations


class DealerLinkError(Exception):
    """Base of every expected failure; carries a stable snake_case code for clients."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return {"error": body}


class ValidationError(DealerLinkError):
    status = 400
    code = "invalid"


class InvalidCursorError(ValidationError):
    """A list cursor the API did not give: malformed, over-long, of another list or dealership."""

    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__("cursor is not one this API gave", field="cursor")


class UnauthorizedError(DealerLinkError):
    status = 401
    code = "unauthorized"


class ForbiddenError(DealerLinkError):
    status = 403
    code = "forbidden"


class NotFoundError(DealerLinkError):
    """Also what another dealership's objects look like: never reveal they exist."""

    status = 404
    code = "not_found"


class ConflictError(DealerLinkError):
    status = 409
    code = "conflict"


class PayloadTooLargeError(DealerLinkError):
    status = 413
    code = "payload_too_large"


class UnprocessableError(DealerLinkError):
    status = 422
    code = "unprocessable"


class RateLimitedError(DealerLinkError):
    status = 429
    code = "rate_limited"
