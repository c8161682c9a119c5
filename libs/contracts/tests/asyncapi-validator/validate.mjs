// Validate an AsyncAPI document with the official parser (schema + semantic rules).
// Usage: node validate.mjs <file>. Prints one JSON diagnostic per line; exit 1 on any error.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const SEVERITY = ["error", "warning", "information", "hint"];

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs <asyncapi-file>");
  process.exit(2);
}
const parser = new Parser();
const { diagnostics } = await parser.parse(await readFile(path, "utf8"), { source: path });
let errors = 0;
for (const d of diagnostics) {
  if (d.severity === 0) errors += 1;
  const where = (d.path ?? []).join("/");
  console.log(JSON.stringify({ severity: SEVERITY[d.severity], code: d.code, path: where, message: d.message }));
}
process.exit(errors > 0 ? 1 : 0);
