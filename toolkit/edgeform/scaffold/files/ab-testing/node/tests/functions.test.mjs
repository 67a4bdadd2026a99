// The functions on the events CloudFront sends them: `node --test tests/` (run by make test).
// The handlers read edgeform_config.json, which edgeform bakes into the bundle: these tests
// call the pure parts with the share given.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const event = (uri, cookie, agent = "test") => ({
  uri,
  clientIp: "203.0.113.9",
  method: "GET",
  headers: {
    "user-agent": [{ key: "User-Agent", value: agent }],
    ...(cookie ? { cookie: [{ key: "Cookie", value: cookie }] } : {}),
  },
});

// index.mjs reads its config at load: give it one, as the bundle would.
const folder = mkdtempSync(join(tmpdir(), "ab-"));
cpSync(new URL("../functions/ab/index.mjs", import.meta.url), join(folder, "index.mjs"));
writeFileSync(join(folder, "edgeform_config.json"), JSON.stringify({ ab_share_b: 100 }));
const ab = await import(join(folder, "index.mjs"));

test("the cookie decides", () => {
  assert.equal(ab.variantOf(event("/", "ab-variant=a"), 100), "a");
  assert.equal(ab.cookieVariant(event("/", "theme=dark; ab-variant=b")), "b");
  assert.equal(ab.cookieVariant(event("/", "ab-variant=z")), null);
});

test("the share decides for a new viewer, about half at 50", () => {
  assert.equal(ab.assigned(event("/"), 0), "a");
  assert.equal(ab.assigned(event("/"), 100), "b");
  let gotB = 0;
  for (let n = 0; n < 1000; n++) gotB += ab.assigned(event("/", null, `agent ${n}`), 50) === "b";
  assert.ok(gotB > 400 && gotB < 600, `${gotB}`);
});

test("choose rewrites the home page; remember sets the cookie once", async () => {
  const chosen = await ab.choose({ Records: [{ cf: { request: event("/") } }] });
  assert.equal(chosen.uri, "/b/index.html");
  const response = { status: "200", headers: {} };
  await ab.remember({ Records: [{ cf: { request: event("/"), response } }] });
  assert.match(response.headers["set-cookie"][0].value, /^ab-variant=b;/);
  const known = { status: "200", headers: {} };
  await ab.remember({ Records: [{ cf: { request: event("/", "ab-variant=a"), response: known } }] });
  assert.equal(known.headers["set-cookie"], undefined);
});
