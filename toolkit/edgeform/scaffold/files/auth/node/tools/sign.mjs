// Print a token for USER valid for HOURS, signed with functions/auth/signing.key.
//
//     node tools/sign.mjs USER [HOURS]        (make token USER=alice)
//
// Your identity service does this in production, with the same key and format.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

export function token(user, hours, key, now) {
  const expires = Math.floor(now + hours * 3600);
  return `${user}.${expires}.${createHmac("sha256", key).update(`${user}.${expires}`).digest("hex")}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [user, hours = "12"] = process.argv.slice(2);
  if (!user) {
    console.error("usage: node tools/sign.mjs USER [HOURS]");
    process.exit(2);
  }
  const key = readFileSync(new URL("../functions/auth/signing.key", import.meta.url), "utf8").trim();
  console.log(token(user, Number(hours), key, Date.now() / 1000));
}
