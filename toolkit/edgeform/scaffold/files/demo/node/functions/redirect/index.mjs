// Viewer request: send a form submitted from index.html on to other.html.
//
// index.html's form submits its query string (`?username=octocat`) back to the index page.
// Such a request asks for the index page with a Referer that contains "index.html"; it is
// answered with a 302 to `//<distribution domain>/other.html` with the same query string.
// Every other request passes through unchanged, other.html's own included: a browser keeps
// the Referer of the page that started a redirect, so that request still names index.html.
//
// The Location is scheme-relative: on CloudFront the viewer arrives over HTTPS and stays on
// it, and under `edgeform serve` (plain HTTP on loopback) the redirect stays on the local
// server.
const INDEX_PAGES = new Set(["/", "/index.html"]);

export const handler = async (event) => {
  const { config, request } = event.Records[0].cf;
  const referer = request.headers?.referer?.[0]?.value ?? "";
  if (!INDEX_PAGES.has(request.uri) || !referer.includes("index.html")) return request;
  let location = `//${config.distributionDomainName}/other.html`;
  if (request.querystring) location += `?${request.querystring}`;
  return {
    status: "302",
    statusDescription: "Found",
    headers: {
      location: [{ key: "Location", value: location }],
      // The redirect depends on the Referer: never let a cache keep it.
      "cache-control": [{ key: "Cache-Control", value: "no-store" }],
    },
  };
};
