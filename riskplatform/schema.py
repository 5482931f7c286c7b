"""The OpenAPI schema: drf-spectacular's, with the API's one error shape on every operation."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from riskplatform.api import ErrorSerializer


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error responses each operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def _error_codes(self) -> list[str]:
        view = self.view
        codes = ["400"]
        # A view that reads no credentials (the token endpoint) never answers 401; one open
        # to all refuses no one by role.
        if view.authentication_classes:
            codes.append("401")
        if any(permission is not AllowAny for permission in view.permission_classes):
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.extend(["413", "415"])
        # Throttled, or locked out after failed sign-ins (both only where a throttle counts).
        if view.throttle_classes:
            codes.append("429")
        return codes
