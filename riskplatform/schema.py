"""The OpenAPI schema: drf-spectacular's, with the API's one error shape on every operation."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from riskplatform.api import ErrorSerializer


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error responses every operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.extend(["413", "415"])
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses
