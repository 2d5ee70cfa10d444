// Prints a YAML file (Clerk's OpenAPI document) as JSON on stdout, for
// test_expressible.cpp, which reads JSON only. js-yaml is Prism's own, also
// pinned in package.json (npm ci here installs it).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const yaml = createRequire(import.meta.url)("js-yaml");
// safeLoad in js-yaml 3 (its load would build JavaScript types); load in 4.
const load = yaml.safeLoad ?? yaml.load;
process.stdout.write(JSON.stringify(load(readFileSync(process.argv[2], "utf8"))));
