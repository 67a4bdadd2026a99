// Viewer request: each device type gets its own objects, from `site/<device>/`.
//
// `/index.html` becomes `/mobile/index.html` for a phone, `/tablet/...` for a tablet and
// `/desktop/...` otherwise. Rewritten before the cache lookup, so each device's objects are
// cached apart and a phone is never served the desktop page from the cache.
//
// The device comes from CloudFront's `CloudFront-Is-Mobile-Viewer` / `-Tablet-` headers when
// the request has them (CloudFront adds them only where a cache or origin request policy asks
// for them, which reaches the origin-request trigger), else from the User-Agent.
const DEVICES = new Set(["desktop", "mobile", "tablet"]);
const TABLET = /iPad|Tablet|Android(?!.*Mobile)|Kindle|Silk/i;
const MOBILE = /Mobile|iPhone|iPod|Android|Windows Phone|Opera Mini/i;

const header = (headers, name) => headers?.[name]?.[0]?.value ?? "";

export function deviceOf(headers) {
  if (header(headers, "cloudfront-is-tablet-viewer") === "true") return "tablet";
  if (header(headers, "cloudfront-is-mobile-viewer") === "true") return "mobile";
  if (headers?.["cloudfront-is-desktop-viewer"]) return "desktop";
  const agent = header(headers, "user-agent");
  if (TABLET.test(agent)) return "tablet";
  return MOBILE.test(agent) ? "mobile" : "desktop";
}

export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  // A folder's page by name: the distribution's default root object only stands for "/".
  if (request.uri.endsWith("/")) request.uri += "index.html";
  if (!DEVICES.has(request.uri.split("/")[1])) {
    request.uri = `/${deviceOf(request.headers)}${request.uri}`;
  }
  return request;
};
