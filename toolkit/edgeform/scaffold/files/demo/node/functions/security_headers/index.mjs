// Origin response: add the Content-Security-Policy, which depends on the stage.
//
// The policy lets pages run scripts only from the distribution's own domain and connect only
// to the API origin, which comes from edgeform.toml through the bundle's edgeform_config.json
// (Lambda@Edge functions have no environment variables). The security headers that never
// change (HSTS, nosniff, frame options, referrer policy) are no function's work: the behavior's
// response headers policy has CloudFront add them (edgeform.toml,
// [response_headers_policies.security]).
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
  response.headers["content-security-policy"] = [{ key: "Content-Security-Policy", value: csp }];
  return response;
};
