"""France Travail's job offers (API "Offres d'emploi v2"), imported into booths and refreshed daily."""
