// Viewer request: every route of the single-page app is served its one page.
//
// A path without a file extension (`/settings/profile`) is one of the app's routes, not a
// file: it gets `/index.html`, and the app draws the route in the browser. Files
// (`/assets/app.js`, `/favicon.ico`) pass through. Rewritten before the cache lookup, so every
// route shares the cached index.html.
export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  const last = request.uri.slice(request.uri.lastIndexOf("/") + 1);
  if (!last.includes(".")) request.uri = "/index.html";
  return request;
};
