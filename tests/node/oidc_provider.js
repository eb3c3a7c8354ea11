// A real OpenID Provider for the tests: the npm `oidc-provider` package (a certified implementation),
// on loopback, with one confidential client and a few accounts.
//
//   node oidc_provider.js --port 9000 --client-id fair --client-secret s3cret \
//        --redirect-uri http://fair.test/login/oidc/local/callback --post-logout-uri http://fair.test/
//
// The issuer is http://127.0.0.1:<port>. PKCE (S256) is required of every authorisation request;
// RP-initiated logout is on. Its development login form takes any password: the account is the
// login typed. A second client, <client-id>-jwt, gets its userinfo as a signed JWT. Accounts (claims given to the `email` and `profile` scopes):
//   verified     verified@example.org, email_verified true
//   invited      invited@example.org, email_verified true   (no account at fair: a team invitation waits)
//   stranger     stranger@example.org, email_verified true  (no account, no invitation)
//   unverified   unverified@example.org, email_verified false
// Any other login: <login>@example.org, email_verified true.
//
// Test controls (JSON, same port):
//   POST /__control/mode    {wrong_nonce: true}  authorisation requests reach the provider with another
//                                                nonce than the one the client sent (ID tokens carry it)
//                           {} back to normal
//   POST /__control/rotate  a new signing key replaces the old one (new kid): JWKS rotation
// Prints "ready" once listening.
"use strict";
const http = require("node:http");
const crypto = require("node:crypto");

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const PORT = Number(args.port || 9000);
const ISSUER = `http://127.0.0.1:${PORT}`;

const ACCOUNTS = {
  verified: { email: "verified@example.org", email_verified: true, given_name: "Vera", family_name: "Fied" },
  invited: { email: "invited@example.org", email_verified: true, given_name: "Inès", family_name: "Vitée" },
  stranger: { email: "stranger@example.org", email_verified: true, given_name: "Sam", family_name: "Stranger" },
  unverified: { email: "unverified@example.org", email_verified: false, given_name: "Una", family_name: "Verified" },
};

let mode = {};
let keyNumber = 0;

function newKey() {
  keyNumber += 1;
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: `key-${keyNumber}-${crypto.randomUUID()}`, alg: "RS256", use: "sig" };
}

function account(id) {
  const known = ACCOUNTS[id] || { email: `${id}@example.org`, email_verified: true, given_name: id, family_name: "" };
  return {
    accountId: id,
    async claims() {
      return { sub: id, ...known, name: `${known.given_name} ${known.family_name}`.trim() };
    },
  };
}

function configuration(key) {
  const client = {
    client_id: args["client-id"] || "fair",
    client_secret: args["client-secret"] || "s3cret",
    redirect_uris: [args["redirect-uri"] || "http://fair.test/login/oidc/local/callback"],
    post_logout_redirect_uris: [args["post-logout-uri"] || "http://fair.test/"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  };
  return {
    // The same client again, answered at userinfo with a signed JWT, as ProConnect answers.
    clients: [client, { ...client, client_id: `${client.client_id}-jwt`, userinfo_signed_response_alg: "RS256" }],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "given_name", "family_name"] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true }, jwtUserinfo: { enabled: true } },
    findAccount: async (_ctx, id) => account(id),
    cookies: { keys: ["test-cookie-key-one", "test-cookie-key-two"] },
    jwks: { keys: [key] },
    ttl: { AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Interaction: 600, Session: 3600, Grant: 3600 },
  };
}

let provider;

async function build() {
  const { default: Provider } = await import("oidc-provider");
  const made = new Provider(ISSUER, configuration(newKey()));
  made.proxy = false;
  made.on("server_error", (_ctx, error) => console.error("server_error", error));
  // A provider that does not keep the client's nonce: the one the client checks against is not the one
  // the ID token carries.
  made.use(async (ctx, next) => {
    if (mode.wrong_nonce && ctx.path === "/auth" && ctx.query.nonce) {
      ctx.query = { ...ctx.query, nonce: `${ctx.query.nonce}-not-yours` };
    }
    await next();
  });
  return made;
}

function readJson(req) {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => {
      try { resolve(body ? JSON.parse(body) : {}); } catch { resolve({}); }
    });
  });
}

(async () => {
  provider = await build();
  const server = http.createServer(async (req, res) => {
    if (req.url.startsWith("/__control/")) {
      const body = await readJson(req);
      if (req.url === "/__control/mode") {
        mode = body;
      } else if (req.url === "/__control/rotate") {
        provider = await build();  // the same in-memory store of sessions and grants, a new key
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ mode, key: keyNumber }));
      return;
    }
    provider.callback()(req, res);
  });
  server.listen(PORT, "127.0.0.1", () => console.log("ready"));
})();
