// Viewer request: only a signed, unexpired token sees the site.
//
// The token comes from the `session` cookie or an `Authorization: Bearer` header, and reads
// `<user>.<expiry, Unix seconds>.<HMAC-SHA256 of "user.expiry", hex>`. The HMAC key is
// `signing.key` beside this file: written at build time (by `make`, from the secret
// EDGEFORM_SIGNING_KEY in CI), baked into the bundle, and never in git (.gitignore).
//
// Without a valid token, a page request is redirected to /login.html (with where it was
// going), and an API-style request with a bad Authorization header is answered 401. The check
// runs before the cache lookup, so cached pages are as protected as fresh ones.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

const PUBLIC = new Set(["/login.html", "/login.js", "/favicon.ico"]);
const TOKEN = /^([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([0-9a-f]{64})$/;
// Read once per container: warm invocations reuse it.
const KEY = readFileSync(new URL("./signing.key", import.meta.url), "utf8").trim();

export function signature(user, expires, key = KEY) {
  return createHmac("sha256", key).update(`${user}.${expires}`).digest("hex");
}

export function verifiedUser(token, now, key = KEY) {
  const match = TOKEN.exec(token ?? "");
  if (!match) return null;
  const [, user, expires, given] = match;
  if (Number(expires) <= now) return null;
  const expected = Buffer.from(signature(user, expires, key));
  return timingSafeEqual(expected, Buffer.from(given)) ? user : null;
}

export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  if (PUBLIC.has(request.uri)) return request;
  const bearer = bearerOf(request);
  const token = bearer ?? cookieOf(request, "session");
  if (verifiedUser(token, Date.now() / 1000) !== null) return request;
  if (bearer !== null) return answer("401", "Unauthorized", { "WWW-Authenticate": 'Bearer realm="site"' });
  const going = request.uri + (request.querystring ? `?${request.querystring}` : "");
  return answer("302", "Found", { Location: `/login.html?next=${encodeURIComponent(going)}` });
};

function bearerOf(request) {
  for (const { value } of request.headers?.authorization ?? []) {
    const [scheme, ...rest] = value.split(" ");
    if (scheme.toLowerCase() === "bearer") return rest.join(" ").trim();
  }
  return null;
}

function cookieOf(request, name) {
  for (const { value } of request.headers?.cookie ?? []) {
    for (const pair of value.split(";")) {
      const at = pair.indexOf("=");
      if (at > 0 && pair.slice(0, at).trim() === name) return decodeURIComponent(pair.slice(at + 1).trim());
    }
  }
  return null;
}

function answer(status, statusDescription, headers) {
  const every = { ...headers, "Cache-Control": "no-store" };
  return {
    status,
    statusDescription,
    headers: Object.fromEntries(Object.entries(every).map(([k, v]) => [k.toLowerCase(), [{ key: k, value: v }]])),
  };
}
