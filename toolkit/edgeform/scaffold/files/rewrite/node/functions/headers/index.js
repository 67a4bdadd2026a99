// Origin response: security headers added, and the origin's own headers taken off.
//
// It runs once per object fetched from the bucket, before CloudFront caches the response, so
// cached copies carry the headers at no cost per request. (A callback handler, as many
// Lambda@Edge functions are written.)
"use strict";

const ADDED = {
  "strict-transport-security": ["Strict-Transport-Security", "max-age=63072000; preload"],
  "x-content-type-options": ["X-Content-Type-Options", "nosniff"],
  "referrer-policy": ["Referrer-Policy", "strict-origin-when-cross-origin"],
  "x-frame-options": ["X-Frame-Options", "DENY"],
};
const REMOVED_PREFIXES = ["x-amz-meta-", "x-amz-server-side-encryption", "x-amz-version-id"];

exports.handler = (event, context, callback) => {
  const response = event.Records[0].cf.response;
  const headers = response.headers;
  for (const name of Object.keys(headers)) {
    if (REMOVED_PREFIXES.some((prefix) => name.startsWith(prefix))) delete headers[name];
  }
  for (const [name, [key, value]] of Object.entries(ADDED)) {
    headers[name] = [{ key, value }];
  }
  callback(null, response);
};
