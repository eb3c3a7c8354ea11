"""Self-service without signing in: /r/<token> links from an SMS or a letter, and the printed
convocations that carry them."""
