// The functions on the events CloudFront sends them: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { handler as redirect } from "../functions/redirect/index.mjs";

const DOMAIN = "d123example.cloudfront.net";
const event = (request, response) => ({
  Records: [{ cf: { config: { distributionDomainName: DOMAIN }, request, ...(response ? { response } : {}) } }],
});

// security_headers reads the config edgeform bakes into its bundle: give it one.
const folder = mkdtempSync(join(tmpdir(), "demo-"));
cpSync(new URL("../functions/security_headers/index.mjs", import.meta.url), join(folder, "index.mjs"));
writeFileSync(join(folder, "edgeform_config.json"), JSON.stringify({ api_origin: "https://api.github.com" }));
const headers = await import(join(folder, "index.mjs"));

test("the form's submission is redirected to other.html with its query", async () => {
  const request = { uri: "/index.html", querystring: "username=octocat",
                    headers: { referer: [{ key: "Referer", value: `https://${DOMAIN}/index.html` }] } };
  const answer = await redirect(event(request));
  assert.equal(answer.status, "302");
  assert.equal(answer.headers.location[0].value, `//${DOMAIN}/other.html?username=octocat`);
});

test("other requests pass through", async () => {
  const request = { uri: "/other.html", querystring: "", headers: {} };
  assert.equal(await redirect(event(request)), request);
});

test("the policy names the distribution and the API", async () => {
  const response = await headers.handler(event({ uri: "/" }, { status: "200", headers: {} }));
  const csp = response.headers["content-security-policy"][0].value;
  assert.match(csp, new RegExp(`script-src 'self' https://${DOMAIN}`));
  assert.match(csp, /connect-src https:\/\/api\.github\.com/);
});
