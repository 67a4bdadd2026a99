// The functions on the events CloudFront sends them: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

import { handler as rewrite } from "../functions/rewrite/index.mjs";

const headers = createRequire(import.meta.url)("../functions/headers/index.js");

const viewerRequest = (uri, querystring = "") => ({
  Records: [{ cf: { config: { eventType: "viewer-request" }, request: { uri, querystring, method: "GET", headers: {} } } }],
});

test("pretty URLs serve the files", async () => {
  for (const [uri, file] of [
    ["/", "/index.html"],
    ["/about/", "/about/index.html"],
    ["/docs/getting-started", "/docs/getting-started.html"],
    ["/script.js", "/script.js"],
  ]) {
    assert.equal((await rewrite(viewerRequest(uri))).uri, file);
  }
});

test("a redirect from the table keeps the query string", async () => {
  const answer = await rewrite(viewerRequest("/old-about", "ref=mail"));
  assert.equal(answer.status, "301");
  assert.equal(answer.headers.location[0].value, "/about/?ref=mail");
});

test("security headers added and the origin's removed", async () => {
  const response = {
    status: "200",
    headers: {
      "x-amz-meta-owner": [{ key: "x-amz-meta-owner", value: "ci" }],
      "content-type": [{ key: "Content-Type", value: "text/html" }],
    },
  };
  const event = { Records: [{ cf: { request: { uri: "/" }, response } }] };
  const result = await new Promise((resolve, reject) =>
    headers.handler(event, {}, (error, value) => (error ? reject(error) : resolve(value))),
  );
  assert.equal(result.headers["x-amz-meta-owner"], undefined);
  assert.equal(result.headers["x-content-type-options"][0].value, "nosniff");
  assert.ok(result.headers["content-type"]);
});
