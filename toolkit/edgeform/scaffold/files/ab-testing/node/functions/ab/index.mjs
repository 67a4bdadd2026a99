// A/B testing at the edge: one function folder, two triggers.
//
// - `choose` (viewer request) serves the home page of the viewer's variant: `/` and
//   `/index.html` become `/a/index.html` or `/b/index.html`. Before the cache lookup, so each
//   variant is cached once.
// - `remember` (viewer response) sets the `ab-variant` cookie when the viewer had none, so the
//   next visit sees the same variant.
//
// A viewer without the cookie is assigned by a hash of their address and User-Agent, the same
// in both triggers; `ab_share_b` in edgeform.toml's [config] (baked into edgeform_config.json
// at build time) is the percentage that get B.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const COOKIE = "ab-variant";
const VARIANTS = ["a", "b"];
const HOME = new Set(["/", "/index.html"]);
const VARIANT_PAGES = new Set(VARIANTS.map((v) => `/${v}/index.html`));
const COOKIE_DAYS = 30;
// Read once per container: warm invocations reuse it.
const CONFIG = JSON.parse(readFileSync(new URL("./edgeform_config.json", import.meta.url), "utf8"));

export const choose = async (event) => {
  const request = event.Records[0].cf.request;
  if (HOME.has(request.uri)) request.uri = `/${variantOf(request, CONFIG.ab_share_b)}/index.html`;
  return request;
};

export const remember = async (event) => {
  const { request, response } = event.Records[0].cf;
  if ((HOME.has(request.uri) || VARIANT_PAGES.has(request.uri)) && cookieVariant(request) === null) {
    const cookie = `${COOKIE}=${variantOf(request, CONFIG.ab_share_b)}; Path=/; Max-Age=${COOKIE_DAYS * 86400}`;
    response.headers["set-cookie"] = [{ key: "Set-Cookie", value: `${cookie}; Secure; SameSite=Lax` }];
  }
  return response;
};

export function variantOf(request, shareB) {
  return cookieVariant(request) ?? assigned(request, shareB);
}

export function cookieVariant(request) {
  for (const header of request.headers?.cookie ?? []) {
    for (const pair of header.value.split(";")) {
      const [name, value] = pair.trim().split("=");
      if (name === COOKIE && VARIANTS.includes(value)) return value;
    }
  }
  return null;
}

export function assigned(request, shareB) {
  const agent = request.headers?.["user-agent"]?.[0]?.value ?? "";
  const digest = createHash("sha256").update(`${request.clientIp ?? ""}\0${agent}`).digest();
  return digest[0] * 100 < shareB * 256 ? "b" : "a";
}
