// Bundles the dashboard into dist/: src/main.js and src/style.css with
// content-hashed names (served as immutable), index.html pointing at them,
// and the US state shapes from the us-atlas package. Everything the pages
// load is here; nothing is fetched from elsewhere.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

const out = "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: "src/main.js", style: "src/style.css" },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outdir: out,
  entryNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
  legalComments: "linked",
});

const outputs = Object.entries(result.metafile.outputs);
const find = (entry) => basename(outputs.find(([, o]) => o.entryPoint === entry)[0]);
const html = readFileSync("index.html", "utf8")
  .replace("{{app.js}}", find("src/main.js"))
  .replace("{{style.css}}", find("src/style.css"));
writeFileSync(`${out}/index.html`, html);
copyFileSync("node_modules/us-atlas/states-10m.json", `${out}/states-10m.json`);
console.log(`web: built ${outputs.length} files into web/${out}`);
