"""A fake of France Travail's "Offres d'emploi v2" API and its token endpoint: a local HTTP server
answering as the API's documentation says, started once per session and reset for each test.

- `POST /connexion/oauth2/access_token?realm=/partenaire` (client_secret_post, grant_type
  client_credentials, scope `api_offresdemploiv2 o2dsoffre`) answers a bearer token valid
  `expires_in` seconds (1,499 as the real service says), 401 `invalid_client` for a wrong secret.
- `GET /partenaire/offresdemploi/v2/offres/search?…&range=p-d`: 400 for a range of more than 150 or
  past the index limit (p ≤ 3000, d ≤ 3149), 204 when nothing matches, 206 with
  `Content-Range: offres p-d/total` for a part, 200 when the range holds every offer left.
- `GET /partenaire/offresdemploi/v2/offres/<id>`: 200 the offer, 204 when it is closed.
- `script` answers queued for a path prefix come first (429 with `Retry-After`, 5xx…).

These tests do not depend on the database: SQLite only.
"""
from __future__ import annotations

import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

CLIENT_ID = "PAR_fair_test"
CLIENT_SECRET = "s3cret"
API_PATH = "/partenaire/offresdemploi/v2"


def ft_offer(offer_id: str, siret: str = "", title: str = "Cariste H/F", **extra: Any) -> dict[str, Any]:
    """One offer as the API returns it (the fields fair reads, and a few it does not)."""
    offer = {
        "id": offer_id, "intitule": title,
        "description": "Conduite de chariots élévateurs.\nCACES 3 souhaité.",
        "dateCreation": "2026-11-30T10:12:00.000Z", "dateActualisation": "2026-12-01T08:00:00.000Z",
        "lieuTravail": {"libelle": "59 - LILLE", "latitude": 50.63, "longitude": 3.06, "codePostal": "59000",
                        "commune": "59350"},
        "romeCode": "N1101", "romeLibelle": "Conducteur / Conductrice d'engins de déplacement des charges",
        "appellationlibelle": "Cariste", "entreprise": {"nom": "LOGI NORD", "entrepriseAdaptee": False},
        "typeContrat": "CDI", "typeContratLibelle": "Contrat à durée indéterminée", "natureContrat": "Contrat travail",
        "experienceExige": "D", "experienceLibelle": "Débutant accepté",
        "salaire": {"libelle": "Mensuel de 1900.00 Euros à 2100.00 Euros sur 12 mois"},
        "dureeTravailLibelle": "35H Travail en équipe", "dureeTravailLibelleConverti": "Temps plein",
        "alternance": False, "nombrePostes": 2,
        "origineOffre": {"origine": "1", "urlOrigine": f"https://candidat.francetravail.fr/offres/recherche/detail/{offer_id}"},
        "_siret": siret,
    }
    offer.update(extra)
    return offer


class FakeFranceTravail:
    def __init__(self) -> None:
        self.offers: list[dict[str, Any]] = []
        self.closed: set[str] = set()
        self.scripts: list[tuple[str, int, dict[str, str]]] = []
        self.tokens: list[str] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.expires_in = 1499
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if data:
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                fake.requests.append((url.path, form))
                if url.path != "/connexion/oauth2/access_token" or "realm=%2Fpartenaire" not in url.query:
                    return self._send(404)
                if (form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT_ID
                        or form.get("client_secret") != CLIENT_SECRET):
                    return self._send(401, {"error": "invalid_client",
                                            "error_description": "Client authentication failed"})
                if set(form.get("scope", "").split()) != {"api_offresdemploiv2", "o2dsoffre"}:
                    return self._send(400, {"error": "invalid_scope"})
                with fake.lock:
                    token = f"token-{len(fake.tokens) + 1}"
                    fake.tokens.append(token)
                self._send(200, {"scope": form["scope"], "expires_in": fake.expires_in, "token_type": "Bearer",
                                 "access_token": token})

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                fake.requests.append((url.path, params))
                if self.headers.get("Authorization", "").removeprefix("Bearer ") not in fake.tokens:
                    return self._send(401, {"message": "Invalid token"})
                with fake.lock:
                    for index, (prefix, status, headers) in enumerate(fake.scripts):
                        if url.path.startswith(API_PATH + prefix):
                            del fake.scripts[index]
                            return self._send(status, {"message": "scripted"} if status >= 400 else None, headers)
                if url.path == API_PATH + "/offres/search":
                    return self.search(params)
                match = re.fullmatch(re.escape(API_PATH) + r"/offres/(\w+)", url.path)
                if match:
                    found = [o for o in fake.offers if o["id"] == match.group(1) and o["id"] not in fake.closed]
                    return self._send(200, found[0]) if found else self._send(204)
                self._send(404)

            def search(self, params: dict[str, str]) -> None:
                match = re.fullmatch(r"(\d+)-(\d+)", params.get("range", "0-149"))
                if not match:
                    return self._send(400, {"codeHttp": 400, "message": "Le format du paramètre range est incorrect."})
                start, end = int(match.group(1)), int(match.group(2))
                if end < start or end - start >= 150 or start > 3000 or end > 3149:
                    return self._send(400, {"codeHttp": 400,
                                            "message": "La plage de résultats demandée est trop importante."})
                offers = [o for o in fake.offers if o["id"] not in fake.closed and (
                    ("siret" in params and o["_siret"] == params["siret"])
                    or ("motsCles" in params and params["motsCles"].lower() in o["intitule"].lower()))]
                if not offers:
                    return self._send(204)
                page = offers[start:end + 1]
                last = start + len(page) - 1
                status = 200 if start == 0 and last + 1 >= len(offers) else 206
                self._send(status, {"resultats": page, "filtresPossibles": []},
                           {"Content-Range": f"offres {start}-{last}/{len(offers)}", "Accept-Range": "offres 150"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add(self, count: int, siret: str, prefix: str = "1") -> list[dict[str, Any]]:
        made = [ft_offer(f"{prefix}{i:06d}", siret, title=f"Cariste {i}") for i in range(count)]
        self.offers.extend(made)
        return made

    def script(self, prefix: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.scripts.append((prefix, status, headers or {}))

    def searches(self) -> list[dict[str, str]]:
        return [params for path, params in self.requests if path.endswith("/offres/search")]

    def reset(self) -> None:
        self.offers.clear()
        self.closed.clear()
        self.scripts.clear()
        self.tokens.clear()
        self.requests.clear()
        self.expires_in = 1499


@pytest.fixture(scope="session")
def france_travail_server() -> Iterator[FakeFranceTravail]:
    fake = FakeFranceTravail()
    fake.thread.start()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def france_travail(france_travail_server) -> Iterator[FakeFranceTravail]:
    from fair.francetravail.client import forget_tokens

    france_travail_server.reset()
    forget_tokens()
    yield france_travail_server
    forget_tokens()


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


@pytest.fixture
def app_config(app_config, france_travail_server) -> dict[str, Any]:
    return {**app_config, "FRANCE_TRAVAIL_CLIENT_ID": CLIENT_ID, "FRANCE_TRAVAIL_CLIENT_SECRET": CLIENT_SECRET,
            "FRANCE_TRAVAIL_TOKEN_URL":
                f"{france_travail_server.url}/connexion/oauth2/access_token?realm=%2Fpartenaire",
            "FRANCE_TRAVAIL_API_URL": france_travail_server.url + API_PATH,
            "FRANCE_TRAVAIL_RETRIES": 2, "FRANCE_TRAVAIL_BACKOFF": 0.01, "FRANCE_TRAVAIL_MIN_INTERVAL": 0,
            "FRANCE_TRAVAIL_TIMEOUT": 5}
