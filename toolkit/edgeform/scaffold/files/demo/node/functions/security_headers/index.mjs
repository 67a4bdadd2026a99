// Origin response: add a Content-Security-Policy and the usual security headers.
//
// The policy lets pages run scripts only from the distribution's own domain and connect only
// to the API origin, which comes from edgeform.toml through the bundle's edgeform_config.json
// (Lambda@Edge functions have no environment variables).
import { readFileSync } from "node:fs";

// Read once per container: warm invocations reuse it.
const CONFIG = JSON.parse(readFileSync(new URL("./edgeform_config.json", import.meta.url), "utf8"));

export function contentSecurityPolicy(domain, apiOrigin) {
  return [
    "default-src 'none'",
    `script-src 'self' https://${domain}`,
    `connect-src ${apiOrigin}`,
    "img-src 'self' https: data:",
    "style-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const handler = async (event) => {
  const { config, response } = event.Records[0].cf;
  const csp = contentSecurityPolicy(config.distributionDomainName, CONFIG.api_origin);
  response.headers ??= {};
  for (const [key, value] of [
    ["Content-Security-Policy", csp],
    ["Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    // same-origin keeps the full Referer that the redirect function reads on this site, and
    // sends none to the API.
    ["Referrer-Policy", "same-origin"],
  ]) {
    response.headers[key.toLowerCase()] = [{ key, value }];
  }
  return response;
};
