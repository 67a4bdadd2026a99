// Viewer request: redirects from a table, then pretty URLs onto the site's files.
//
// - A path in redirects.json (bundled with the function, so baked in at build time) answers
//   301 to its target, with the query string kept.
// - `/dir/` serves `/dir/index.html`; `/docs/page` (no extension) serves `/docs/page.html`.
//
// It runs before the cache lookup, so the cache keeps one copy per file, not per spelling.
import { readFileSync } from "node:fs";

// Read once per container: warm invocations reuse it.
const REDIRECTS = JSON.parse(readFileSync(new URL("./redirects.json", import.meta.url), "utf8"));

export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  const target = REDIRECTS[request.uri.replace(/\/+$/, "") || "/"];
  if (target !== undefined) {
    return movedPermanently(target, request.querystring);
  }
  request.uri = fileFor(request.uri);
  return request;
};

export function fileFor(uri) {
  if (uri.endsWith("/")) return `${uri}index.html`;
  const last = uri.slice(uri.lastIndexOf("/") + 1);
  return last.includes(".") ? uri : `${uri}.html`;
}

function movedPermanently(target, querystring) {
  const location = querystring ? `${target}?${querystring}` : target;
  return {
    status: "301",
    statusDescription: "Moved Permanently",
    headers: {
      location: [{ key: "Location", value: location }],
      "cache-control": [{ key: "Cache-Control", value: "max-age=3600" }],
    },
  };
}
