// Origin request: "/" redirects to the site in the viewer's language, by country (AWS's example
// "Redirect viewer requests to a country-specific URL").
//
// The country is CloudFront's `CloudFront-Viewer-Country` header: the behavior's cache policy
// names it, so CloudFront adds it to this request and caches each country's redirect apart. A
// folder gets its page (`/de/` is `/de/index.html`); everything else passes through.
const LANGUAGES = { AT: "de", CH: "de", DE: "de", BE: "fr", FR: "fr", LU: "fr" };
const DEFAULT_LANGUAGE = "en";

export function languageOf(headers) {
  const country = headers?.["cloudfront-viewer-country"]?.[0]?.value ?? "";
  return LANGUAGES[country.toUpperCase()] ?? DEFAULT_LANGUAGE;
}

const redirect = (location) => ({
  status: "302",
  statusDescription: "Found",
  headers: {
    location: [{ key: "Location", value: location }],
    "cache-control": [{ key: "Cache-Control", value: "max-age=3600" }],
  },
});

export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  // "/": the distribution's default root object stands for it.
  if (request.uri === "/index.html") return redirect(`/${languageOf(request.headers)}/`);
  if (request.uri.endsWith("/")) request.uri += "index.html";
  return request;
};
