"""Operations: health and readiness probes, Prometheus metrics, request ids in logs."""
