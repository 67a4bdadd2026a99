// The function on the events CloudFront sends it: `node --test tests/` (run by make test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { handler } from "../functions/geo/index.mjs";

// What CloudFront adds when the cache policy names CloudFront-Viewer-Country.
const event = (uri, country) => ({
  Records: [{ cf: { request: { uri, method: "GET", headers: country === undefined ? {} : {
    "cloudfront-viewer-country": [{ key: "CloudFront-Viewer-Country", value: country }],
  } } } }],
});

test("the root redirects by country", async () => {
  for (const [country, location] of [["DE", "/de/"], ["AT", "/de/"], ["FR", "/fr/"],
    ["US", "/en/"], [undefined, "/en/"]]) {
    const answer = await handler(event("/index.html", country));
    assert.equal(answer.status, "302");
    assert.equal(answer.headers.location[0].value, location, country);
  }
});

test("a folder gets its page and the rest passes", async () => {
  assert.equal((await handler(event("/de/", "FR"))).uri, "/de/index.html");
  assert.equal((await handler(event("/en/index.html", "DE"))).uri, "/en/index.html");
});
