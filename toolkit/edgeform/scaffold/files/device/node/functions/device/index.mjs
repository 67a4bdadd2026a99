// Origin request: each device type gets its own objects, from `site/<device>/` (AWS's example
// "Serve different versions of an object based on the device type").
//
// `/index.html` becomes `/mobile/index.html` for a phone, `/tablet/...` for a tablet and
// `/desktop/...` otherwise. The device comes from CloudFront's `CloudFront-Is-Tablet-Viewer` and
// `CloudFront-Is-Mobile-Viewer` headers: the behavior's cache policy names them, so CloudFront
// adds them to this request and caches each device's objects apart.
const DEVICES = new Set(["desktop", "mobile", "tablet"]);

const header = (headers, name) => headers?.[name]?.[0]?.value ?? "";

export function deviceOf(headers) {
  if (header(headers, "cloudfront-is-tablet-viewer") === "true") return "tablet";
  if (header(headers, "cloudfront-is-mobile-viewer") === "true") return "mobile";
  return "desktop";
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
