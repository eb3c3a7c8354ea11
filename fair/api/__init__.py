"""The REST API (/api/v1): tokens per organisation with scopes, problem details, an OpenAPI description."""
