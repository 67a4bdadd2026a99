// The functions on the events CloudFront sends them: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { handler as fallback } from "../functions/fallback/index.mjs";
import { handler as headers, YEAR } from "../functions/headers/index.mjs";

const event = (uri, status) => ({
  Records: [{ cf: { request: { uri, querystring: "", method: "GET", headers: {} },
                    ...(status ? { response: { status, headers: {} } } : {}) } }],
});

test("routes get the page and files pass", async () => {
  for (const [uri, served] of [
    ["/", "/index.html"],
    ["/settings/profile", "/index.html"],
    ["/assets/app.7c2e9f1b.js", "/assets/app.7c2e9f1b.js"],
    ["/favicon.ico", "/favicon.ico"],
  ]) {
    assert.equal((await fallback(event(uri))).uri, served);
  }
});

test("hashed assets are cached for a year", async () => {
  const result = await headers(event("/assets/app.7c2e9f1b.js", "200"));
  assert.equal(result.headers["cache-control"][0].value, YEAR);
  assert.ok(result.headers["content-security-policy"]);
});

test("the page keeps its own caching", async () => {
  const result = await headers(event("/index.html", "200"));
  assert.equal(result.headers["cache-control"], undefined);
  assert.equal(result.headers["x-content-type-options"][0].value, "nosniff");
});
