// The function on the events CloudFront sends it: `node --test tests/` (run by make test).
// index.mjs reads the key edgeform bakes into its bundle: these tests run a copy beside a
// stand-in key.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { token } from "../tools/sign.mjs";

const KEY = "0123456789abcdef".repeat(4);
const folder = mkdtempSync(join(tmpdir(), "auth-"));
cpSync(new URL("../functions/auth/index.mjs", import.meta.url), join(folder, "index.mjs"));
writeFileSync(join(folder, "signing.key"), KEY);
const { handler } = await import(join(folder, "index.mjs"));

const event = (uri, headers = {}) => ({
  Records: [{ cf: { request: { uri, querystring: "", method: "GET", headers: Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [{ key: k, value: v }]])) } } }],
});
const now = () => Date.now() / 1000;

test("a valid cookie or bearer token passes", async () => {
  const valid = token("alice", 1, KEY, now());
  assert.equal((await handler(event("/", { Cookie: `session=${valid}` }))).uri, "/");
  assert.equal((await handler(event("/api.json", { Authorization: `Bearer ${valid}` }))).uri, "/api.json");
});

test("no token is sent to the login page", async () => {
  const answer = await handler(event("/members/page.html"));
  assert.equal(answer.status, "302");
  assert.equal(answer.headers.location[0].value, "/login.html?next=%2Fmembers%2Fpage.html");
});

test("expired, forged or wrongly keyed tokens are refused", async () => {
  const [, expires, mac] = token("alice", 1, KEY, now()).split(".");
  for (const bad of [token("alice", -1, KEY, now()), token("alice", 1, "another key", now()), `mallory.${expires}.${mac}`]) {
    assert.equal((await handler(event("/", { Authorization: `Bearer ${bad}` }))).status, "401", bad);
  }
});

test("the login page is public", async () => {
  assert.equal((await handler(event("/login.html"))).uri, "/login.html");
});
