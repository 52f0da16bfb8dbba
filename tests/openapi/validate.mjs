// Validate docs/openapi.yaml with a real OpenAPI parser
// (@apidevtools/swagger-parser, from the dashboard's devDependencies) and
// print the documented operations, one "METHOD PATH ROLES" a line, for
// tests/openapi/run.sh to compare with the server's route table.
// Usage: node tests/openapi/validate.mjs docs/openapi.yaml web/package.json
import { createRequire } from "node:module";
import path from "node:path";

const [spec, pkg] = process.argv.slice(2);
const require = createRequire(path.resolve(pkg));
const SwaggerParser = require("@apidevtools/swagger-parser");

try {
  const api = await SwaggerParser.validate(path.resolve(spec));
  for (const [p, item] of Object.entries(api.paths || {})) {
    for (const m of ["get", "put", "post", "delete", "patch", "head", "options"]) {
      if (!item[m]) continue;
      const roles = item[m]["x-roles"];
      console.log(`${m.toUpperCase()} ${p} ${Array.isArray(roles) ? roles.join(",") : "-"}`);
    }
  }
} catch (e) {
  console.error(`openapi: ${e.message}`);
  process.exit(1);
}
