// Browser tests of the first sign-in: a user made with a one-time password
// (forcewatch user add) signs in, is taken to the password page and can open
// nothing else until they choose their own; a weak one is refused with the
// rule named; afterwards the dashboard opens and the one-time password no
// longer signs in.  A server of its own on a free port, as dashboard.test.mjs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const TOP = resolve(new URL("../..", import.meta.url).pathname);
const require = createRequire(join(TOP, "web/package.json"));
const { chromium } = require("playwright-core");
const FW = resolve(process.env.FW || join(TOP, "forcewatch"));

let dir, server, base, browser, oneTime;

function fw(...args) {
  return execFileSync(FW, ["--db", join(dir, "acc.db"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function waitFor(check, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "fw-web-acc-"));
  fw("init");
  oneTime = fw("user", "add", "first-timer", "--role", "board").match(/one-time password: (\S+)/)[1];
  const portFile = join(dir, "port");
  server = spawn(FW, ["--db", join(dir, "acc.db"), "serve", "--listen", "127.0.0.1:0", "--port-file", portFile],
    { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr.on("data", (d) => { log += d; });
  const port = await waitFor(() => { try { return readFileSync(portFile, "utf8").trim(); } catch { return null; } }, `the port file (${log})`);
  base = `http://127.0.0.1:${port}`;
  await waitFor(async () => { try { return (await fetch(`${base}/healthz`)).ok; } catch { return false; } }, "/healthz");
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("first sign-in", () => {
  test("a one-time password leads to the password page, and nowhere else, until changed", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/#/signin`);
    await page.getByLabel("User name").fill("first-timer");
    await page.getByLabel("Password", { exact: true }).fill(oneTime);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Choose your password" }).waitFor();
    assert.equal(await page.locator("#nav a").count(), 0, "no navigation before the password is changed");
    // Any other page leads back here.
    await page.goto(`${base}/#/overview`);
    await page.getByRole("heading", { name: "Choose your password" }).waitFor();
    // The server holds the line too.
    assert.equal((await page.request.get(`${base}/api/v1/incidents`)).status(), 403);

    await page.getByLabel("One-time password").fill(oneTime);
    await page.getByLabel("New password", { exact: true }).fill("            ");
    await page.getByLabel("New password again").fill("            ");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("rule: whitespace").waitFor();

    await page.getByLabel("New password", { exact: true }).fill("my own board passphrase");
    await page.getByLabel("New password again").fill("my own board passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("link", { name: "Incidents" }).waitFor();
    assert.equal((await page.request.get(`${base}/api/v1/incidents`)).status(), 200);
    assert.deepEqual(errors, []);
    await context.close();

    const old = await fetch(`${base}/api/v1/session`, { method: "POST", body: JSON.stringify({ username: "first-timer", password: oneTime }) });
    assert.equal(old.status, 401, "the one-time password still signs in");
  });
});
