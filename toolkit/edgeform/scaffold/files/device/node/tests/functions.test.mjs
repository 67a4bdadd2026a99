// The function on the events CloudFront sends it: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { handler } from "../functions/device/index.mjs";

// What CloudFront adds when the cache policy names its device headers, for three viewers.
const device = (mobile, tablet) => ({
  "CloudFront-Is-Mobile-Viewer": String(mobile),
  "CloudFront-Is-Tablet-Viewer": String(tablet),
  "CloudFront-Is-Desktop-Viewer": String(!mobile && !tablet),
});
const PHONE = device(true, false);
const TABLET = device(false, true);
const DESKTOP = device(false, false);

const event = (uri, headers) => ({
  Records: [{ cf: { request: { uri, method: "GET", headers: Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [{ key: k, value: v }]])) } } }],
});

test("CloudFront's device headers pick the objects", async () => {
  for (const [headers, served] of [
    [PHONE, "/mobile/index.html"],
    [TABLET, "/tablet/index.html"],
    [DESKTOP, "/desktop/index.html"],
    [{}, "/desktop/index.html"], // no headers: the policy lost them; the desktop's
  ]) {
    assert.equal((await handler(event("/index.html", headers))).uri, served);
  }
});

test("a folder gets its page", async () => {
  assert.equal((await handler(event("/docs/", PHONE))).uri, "/mobile/docs/index.html");
});

test("a device path is left as it is", async () => {
  assert.equal((await handler(event("/tablet/index.html", PHONE))).uri, "/tablet/index.html");
});
