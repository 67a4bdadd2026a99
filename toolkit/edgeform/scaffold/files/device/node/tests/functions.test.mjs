// The function on the events CloudFront sends it: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { handler } from "../functions/device/index.mjs";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1";
const IPAD = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1";
const ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Safari/537.36";
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

const event = (uri, headers) => ({
  Records: [{ cf: { request: { uri, method: "GET", headers: Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [{ key: k, value: v }]])) } } }],
});

test("the User-Agent picks the objects", async () => {
  for (const [agent, served] of [
    [IPHONE, "/mobile/index.html"],
    [IPAD, "/tablet/index.html"],
    [ANDROID_TABLET, "/tablet/index.html"],
    [DESKTOP, "/desktop/index.html"],
  ]) {
    assert.equal((await handler(event("/index.html", { "User-Agent": agent }))).uri, served, agent);
  }
});

test("CloudFront's headers win when present", async () => {
  const headers = { "User-Agent": DESKTOP, "CloudFront-Is-Mobile-Viewer": "true" };
  assert.equal((await handler(event("/a.css", headers))).uri, "/mobile/a.css");
});

test("a device path is left as it is", async () => {
  assert.equal((await handler(event("/tablet/index.html", { "User-Agent": IPHONE }))).uri, "/tablet/index.html");
});
