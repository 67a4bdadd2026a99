// The function on the events CloudFront sends it: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { BODY_LIMIT, handler } from "../functions/generate/index.mjs";

const event = (uri, querystring = "") => ({
  Records: [{ cf: { request: { uri, querystring, method: "GET", headers: {} } } }],
});

test("a page with the name escaped", async () => {
  const answer = await handler(event("/hello", "name=%3Cb%3E"));
  assert.equal(answer.status, "200");
  assert.match(answer.body, /Hello, &lt;b&gt;!/);
});

test("a JSON answer", async () => {
  assert.deepEqual(JSON.parse((await handler(event("/api/squares", "count=4"))).body), { squares: [0, 1, 4, 9] });
});

test("an answer over the limit is a 413, not a 502", async () => {
  const answer = await handler(event("/api/squares", "count=50000"));
  assert.equal(answer.status, "413");
  assert.ok(Buffer.byteLength(answer.body) <= BODY_LIMIT);
});

test("other requests go on to the origin", async () => {
  assert.equal((await handler(event("/index.html"))).uri, "/index.html");
});
