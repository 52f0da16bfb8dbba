// Browser tests of the dashboard: Debian's chromium driven by playwright-core
// against a server this file starts on a free port, with a temporary
// database built like the demo (the examples, users made with the CLI).
// Screenshots of every page, on a laptop and a phone, go to
// build/web-screenshots/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const TOP = resolve(new URL("../..", import.meta.url).pathname);
const require = createRequire(join(TOP, "web/package.json"));
const { chromium } = require("playwright-core");
const FW = resolve(process.env.FW || join(TOP, "forcewatch"));
const SHOTS = join(TOP, "build/web-screenshots");
const VIEWPORTS = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let dir, server, base, browser, password;
const passwords = {};

function fw(...args) {
  return execFileSync(FW, ["--db", join(dir, "web.db"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function waitFor(check, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20)); // polling, not a fixed wait
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "fw-web-"));
  fw("init");
  const examples = readdirSync(join(TOP, "examples")).filter((f) => f.endsWith(".json")).map((f) => join(TOP, "examples", f));
  fw("add", join(TOP, "examples/agencies.jsonl"), join(TOP, "examples/officers.jsonl"), ...examples);
  // Chosen passwords (a one-time one would lead to the first-sign-in page: tests/web/accounts.test.mjs).
  const add = (pw, ...args) => execFileSync(FW, ["--db", join(dir, "web.db"), "user", "add", ...args, "--password-stdin"], { input: `${pw}\n` });
  add((password = "web admin password"), "web-admin", "--role", "admin");
  add((passwords.analyst = "web analyst password"), "web-analyst", "--role", "analyst");
  add((passwords.officer = "web officer password"), "web-officer", "--role", "officer", "--officer", "ice-ero-stp:o-101");
  add("web investigator password", "web-investigator", "--role", "investigator");
  const portFile = join(dir, "port");
  server = spawn(FW, ["--db", join(dir, "web.db"), "serve", "--listen", "127.0.0.1:0", "--port-file", portFile],
    // The clock is after the records are stored: the public statistics are published as of the
    // last 00:00 UTC (docs/statistics.md), and the public overview must have counts to show.
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, FORCEWATCH_NOW: "2030-01-01T12:00:00Z" } });
  let log = "";
  server.stderr.on("data", (d) => { log += d; });
  const port = await waitFor(() => { try { return readFileSync(portFile, "utf8").trim(); } catch { return null; } }, `the port file (${log})`);
  base = `http://127.0.0.1:${port}`;
  await waitFor(async () => { try { return (await fetch(`${base}/healthz`)).ok; } catch { return false; } }, "/healthz");
  mkdirSync(SHOTS, { recursive: true });
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

// A page whose console errors (a CSP refusal, a script error) fail the test.
async function newPage(viewport = "laptop") {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport] });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.errors = [];
  // An API answering 401 or 404 is the page's business; a missing asset or
  // a refused script or style is an error.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) page.errors.push(m.text()); });
  page.on("response", (r) => { if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith("/api/") && !new URL(r.url()).pathname.startsWith("/public/")) page.errors.push(`${r.status()} ${r.url()}`); });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  return page;
}

async function signIn(page, user = "web-admin", pw = password) {
  await page.goto(`${base}/#/signin`);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(pw);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

// The navigation's links, once it is drawn: the shell draws it after loading
// /api/v1/meta, so reading it straight after a page load could see none.
async function navLinks(page) {
  await page.locator("#nav a").first().waitFor();
  return page.locator("#nav a").allTextContents();
}

async function shoot(page, name, viewport = "laptop") {
  await page.screenshot({ path: join(SHOTS, `${viewport}-${name}.png`), fullPage: true });
}

// The API's own answer, fetched with the page's session.
async function apiJson(page, path) {
  const res = await page.request.get(`${base}${path}`);
  assert.equal(res.status(), 200, `${path}: ${await res.text()}`);
  return res.json();
}

describe("dashboard", () => {
  test("the app's files come from this server with a CSP; traversal is refused", async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-security-policy"), /default-src 'none'; script-src 'self'/);
    const html = await res.text();
    const scripts = [...html.matchAll(/(?:<script[^>]* src|<link[^>]* href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(scripts.length >= 2 && scripts.every((s) => s.startsWith("/")), `assets: ${scripts}`);
    const js = await fetch(`${base}${scripts.find((s) => s.endsWith(".js"))}`);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.match(js.headers.get("cache-control"), /immutable/);
    assert.equal((await fetch(`${base}/%2e%2e/Makefile`)).status, 404);
  });

  test("sign in shows the admin every page", async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    const publicNav = await navLinks(page);
    assert.deepEqual(publicNav, ["Overview", "Record log"]);
    await signIn(page);
    const nav = await navLinks(page);
    assert.deepEqual(nav, ["Overview", "Incidents", "Cases", "Duties", "Officers", "What-if", "Record log"]);
    // The session is an HttpOnly, SameSite=Strict cookie; nothing is kept in storage.
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === "fw_session");
    assert.ok(cookie && cookie.httpOnly && cookie.sameSite === "Strict", JSON.stringify(cookie));
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    assert.equal(await page.evaluate(() => document.cookie), "");
    await page.locator("#chart-map svg").first().waitFor();
    await shoot(page, "overview");
    // The agency filter gives the exact counts of that agency.
    await page.getByLabel("Agency").fill("metro-pd");
    await page.getByRole("button", { name: "Apply" }).click();
    const exact = await apiJson(page, "/api/v1/stats?by=year&where=agency=metro-pd");
    assert.ok(exact.total > 0);
    await page.waitForFunction((t) => document.querySelector(".total")?.textContent === `Total: ${t} incidents`, exact.total);
    assert.deepEqual(page.errors, []);
  });

  test("the overview filters by encounter and a range of months; every chart follows", async () => {
    const page = await newPage();
    await signIn(page);
    await page.locator("#chart-map svg").first().waitFor();
    // The select offers the encounter kinds the statistics hold.
    const kinds = (await apiJson(page, "/api/v1/stats?by=encounter")).cells.map((c) => c.encounter);
    const offered = await page.getByLabel("Encounter").locator("option").evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(offered, ["", ...kinds]);
    assert.ok(kinds.includes("arrest"));
    await page.getByLabel("Encounter").selectOption("arrest");
    await page.getByLabel("From month").fill("2025-04");
    await page.getByLabel("To month").fill("2025-09");
    await page.getByRole("button", { name: "Apply" }).click();
    const where = "month=2025-04..2025-09,encounter=arrest";
    const all = await apiJson(page, "/api/v1/stats?by=encounter");
    const exact = await apiJson(page, `/api/v1/stats?by=month&where=${encodeURIComponent(where)}`);
    // The filter narrows: fewer than all arrests, and more than none.
    const arrests = all.cells.find((c) => c.encounter === "arrest").count;
    assert.ok(exact.total > 0 && exact.total < arrests, `${exact.total} of ${arrests} arrests`);
    await page.waitForFunction((t) => document.querySelector(".total")?.textContent === `Total: ${t} incidents`, exact.total);
    // Each chart's table is the API's answer for the same where.
    for (const [id, by] of [["chart-time", "month"], ["chart-force", "force_kind"], ["chart-injury", "injury"], ["chart-finding", "finding"], ["chart-map", "state"]]) {
      const want = await apiJson(page, `/api/v1/stats?by=${by}&where=${encodeURIComponent(where)}`);
      const shown = await page.locator(`#${id} table.cells tbody tr td:last-child`).allTextContents();
      assert.deepEqual(shown.map(Number), want.cells.map((c) => c.count), `${id} by ${by}`);
    }
    await shoot(page, "overview-filtered");
    // A range that ends before it starts is refused on the page, not sent.
    await page.getByLabel("From month").fill("2025-10");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("Dates: the range ends before it starts.").waitFor();
    assert.deepEqual(page.errors, []);
  });

  test("the disputed vehicle stop shows each account's finding and the decisive fact", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/incidents/demo-0007`);
    const dhs = page.locator('section.review[data-policy="dhs-2023"]');
    await dhs.waitFor();
    assert.equal(await dhs.locator('tr[data-account="agency"]').getAttribute("data-outcome"), "within");
    assert.equal(await dhs.locator('tr[data-account="video"]').getAttribute("data-outcome"), "out");
    assert.match(await dhs.locator('tr[data-account="video"] .outcome').textContent(), /OUT OF POLICY/);
    const decisive = dhs.locator('.decisive li[data-fact="vehicle.toward_officer"]');
    assert.equal(await decisive.count(), 1);
    assert.match(await decisive.textContent(), /agency says true; video says false/);
    assert.equal(await decisive.locator("mark").textContent(), "vehicle.toward_officer");
    // The same at a glance, beside the swim lanes.
    const row = page.locator('#finding-matrix tr[data-policy="dhs-2023"]');
    assert.equal(await row.locator('td[data-account="agency"]').textContent(), "within policy");
    assert.equal(await row.locator('td[data-account="video"]').textContent(), "OUT OF POLICY");
    // Swim lanes for both accounts and a plan view from the video's positions.
    assert.ok((await page.locator("#swimlanes svg").count()) >= 1);
    assert.ok((await page.locator("#swimlanes").textContent()).includes("video"));
    assert.equal(await page.locator('figure.plan[data-account="video"]').count(), 1);
    // The agency by name; policies in effect are not what-ifs.
    assert.equal(await page.locator("#incident-agency").textContent(),
      "Northern Plains Immigration Enforcement Field Office (fictional) (ice-ero-stp)");
    assert.equal(await page.locator("section.review .what-if").count(), 0);
    await shoot(page, "incident");
    assert.deepEqual(page.errors, []);
  });

  test("a reach-in is judged as o-901's own act, not as force (issue 14 point 3)", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/incidents/ex-09-reach-in`);
    const ice = page.locator('section.review[data-policy="ice-vehicle-stops-1"]');
    await ice.waitFor();
    const heads = await ice.locator("h4").allTextContents();
    // One heading per act: the video's reach-in (0 s) and the report's (10 s) are one act.
    assert.ok(heads.includes("o-901 reach into vehicle at t=0 s at v-1"), heads.join(" | "));
    assert.ok(!heads.includes("o-901 reach into vehicle at t=10 s at v-1"), heads.join(" | "));
    assert.equal(await ice.locator('.aligned[data-act="o-901 reach_into_vehicle #1"]').textContent(),
      "Aligned: passenger-video t=0 ↔ o-901-report t=10");
    const row = page.locator('#finding-matrix tr[data-policy="ice-vehicle-stops-1"][data-key="o-901@0/reach_into_vehicle"]');
    assert.equal(await row.locator('td[data-account="passenger-video"]').textContent(), "OUT OF POLICY");
    assert.equal(await row.locator("th").textContent(), "o-901 reach into vehicle t=0 s");
    assert.ok(!(await page.locator("#swimlanes").textContent()).includes("undefined"));
    assert.deepEqual(page.errors, []);
  });

  test("the incident list filters by encounter", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/incidents`);
    await page.locator("#incident-list").waitFor();
    const all = await page.locator("#incident-list tbody tr").count();
    await page.getByLabel("Encounter").selectOption("vehicle_stop");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForFunction((n) => document.querySelectorAll("#incident-list tbody tr").length !== n, all);
    const encounters = await page.locator("#incident-list tbody tr td:nth-child(4)").allTextContents();
    const expected = (await apiJson(page, "/api/v1/incidents?encounter=vehicle_stop&limit=1000")).incidents;
    assert.equal(encounters.length, expected.length);
    assert.ok(encounters.length > 0 && encounters.length < all);
    assert.ok(encounters.every((e) => e === "vehicle stop"), encounters.join());
    assert.ok((await page.locator("#incident-list").textContent()).includes("demo-0007"));
    // Agencies by name beside their ids.
    assert.ok((await page.locator("#incident-list tbody tr td:nth-child(3)").allTextContents())
      .every((a) => / \([a-z0-9-]+\)$/.test(a) && !a.startsWith("(")), "agency names");
    await shoot(page, "incidents");
    // Pages: ten at a time, in the API's order, none twice.
    await page.getByLabel("Encounter").selectOption("");
    await page.getByLabel("Per page").selectOption("10");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#incident-list tbody tr").length === 10);
    const ids = async () => page.locator("#incident-list tbody tr td:first-child").allTextContents();
    const first = await ids();
    await page.getByRole("button", { name: "Next page" }).click();
    await page.waitForFunction(() => document.querySelector("#incident-list caption")?.textContent === "Incidents, page 2");
    const second = await ids();
    const every = (await apiJson(page, "/api/v1/incidents?limit=1000")).incidents.map((i) => i.id);
    assert.deepEqual([...first, ...second], every.slice(0, first.length + second.length));
    assert.equal(first.length + second.length, Math.min(every.length, 20));
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.waitForFunction(() => document.querySelector("#incident-list caption")?.textContent === "Incidents, page 1");
    assert.deepEqual(await ids(), first);
  });

  test("a city police incident: no bundled policy governs its agency", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/incidents/ex-04-restrained`);
    await page.locator("#incident-agency").waitFor();
    assert.equal(await page.locator("#incident-agency").textContent(), "Metro City Police Department (metro-pd)");
    await page.getByText("No bundled policy governs Metro City Police Department (metro-pd)", { exact: false }).waitFor();
    assert.equal(await page.locator("section.review").count(), 0);
    assert.deepEqual(page.errors, []);
  });

  test("a what-if run shows what the policy would flag, by rule", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/whatif`);
    await page.getByLabel("Policy").selectOption("no-shoot-pledge-1");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#whatif-total").waitFor();
    assert.match(await page.locator("#whatif-label").textContent(), /^A what-if: no-shoot-pledge-1 is applied to every incident.*nobody unless an agency adopts it; it is in effect for 0 of the incidents with force\)\.$/);
    const w = await apiJson(page, "/api/v1/whatif?policy=no-shoot-pledge-1");
    assert.ok(w.out_of_policy > 0);
    assert.equal(await page.locator("#whatif-total").textContent(),
      `no-shoot-pledge-1 (${w.kind}) would flag ${w.out_of_policy} of ${w.applications} force applications in ${w.incidents} incidents.`);
    const rows = page.locator("#whatif-rules tbody tr");
    assert.equal(await rows.count(), w.rules.length);
    assert.equal(await rows.nth(0).locator("td").nth(2).textContent(), String(w.rules[0].out));
    await shoot(page, "whatif");
    // A policy with rules on other acts: those counted apart, with the undetermined ones.
    await page.getByLabel("Policy").selectOption("ice-vehicle-stops-1");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#whatif-acts").waitFor();
    const a = await apiJson(page, "/api/v1/whatif?policy=ice-vehicle-stops-1");
    assert.ok(a.acts > 0 && Number.isInteger(a.undetermined_acts));
    assert.equal(await page.locator("#whatif-acts").textContent(),
      `It would also flag ${a.acts_out_of_policy} of ${a.acts} other acts it judges (reach-ins, commands...), with ${a.undetermined_acts} undetermined; these are not counted as force.`);
    assert.deepEqual(page.errors, []);
  });

  test("the review queue, a case and the duties", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/cases`);
    await page.locator("#case-list").waitFor();
    assert.ok((await page.locator("#case-list").textContent()).includes("demo-0007"));
    assert.ok((await page.locator("#case-list").textContent()).includes("Northern Plains Immigration Enforcement Field Office (fictional) (ice-ero-stp)"));
    await shoot(page, "cases");
    // A link with arguments opens the page with them (not "Not found").
    await page.goto(`${base}/#/cases?state=closed`);
    await page.locator("#case-list, .notice").first().waitFor();
    assert.equal(await page.locator("h1").first().textContent(), "Review queue");
    assert.equal(await page.locator("form.filters select[name=state]").inputValue(), "closed");
    // After a reload the page gets its CSRF token from GET /api/v1/session and can still move a case.
    await page.goto(`${base}/#/cases/demo-0007`);
    await page.reload();
    await page.locator("#case-state").waitFor();
    assert.equal(await page.locator("#case-state").textContent(), "reported");
    await page.locator("#move-form select[name=to]").selectOption("supervisor_review");
    await page.getByRole("button", { name: "Move" }).click();
    await page.waitForFunction(() => document.getElementById("case-state")?.textContent === "supervisor review");
    assert.equal((await apiJson(page, "/api/v1/cases/demo-0007")).state, "supervisor_review");
    // Assigning an investigator: only a user who is one; then the case and the queue show it.
    await page.getByLabel("Assignee (user name)").fill("web-analyst");
    await page.getByRole("button", { name: "Assign" }).click();
    await page.locator("#assign-form .notice.error").waitFor();
    assert.match(await page.locator("#assign-form .notice.error").textContent(), /not an active investigator/);
    await page.getByLabel("Assignee (user name)").fill("web-investigator");
    await page.getByRole("button", { name: "Assign" }).click();
    await page.waitForFunction(() => document.getElementById("case-assignee")?.textContent === "web-investigator");
    assert.ok((await page.locator("#case-due").textContent()).startsWith("20"));
    // An admin may make the next moves; the form offers only the moves the role may make.
    await page.waitForFunction(() => document.querySelectorAll("#move-form select[name=to] option").length > 0);
    assert.deepEqual(await page.locator("#move-form select[name=to]").locator("option").allTextContents(), ["investigation", "closed"]);
    // No section missing from the answer shows up as the word "null".
    assert.ok(!/\bnull\b/.test(await page.locator("#main").innerText()), "a stray null on the case page");
    await shoot(page, "case");
    await page.goto(`${base}/#/cases`);
    await page.locator("#case-list").waitFor();
    await page.locator("form.filters select[name=state]").selectOption("");
    await page.locator("form.filters input[name=assignee]").fill("web-investigator");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForFunction(() => document.querySelector("#case-list caption")?.textContent.includes("assigned to web-investigator"));
    assert.equal(await page.locator("#case-list tbody tr").count(), 1);
    assert.ok((await page.locator("#case-list").textContent()).includes("demo-0007"));
    await page.locator("#case-outcomes").waitFor();
    assert.ok((await page.locator("#oop-no-action").textContent()).startsWith("0"));
    await page.goto(`${base}/#/duties`);
    await page.locator("section.officer").first().waitFor();
    const { duties } = await apiJson(page, "/api/v1/duties");
    const officers = new Set(duties.map((d) => d.registry || (d.officer ? `${d.officer} in ${d.incident}` : "(no officer named)")));
    assert.equal(await page.locator("section.officer").count(), Math.min(officers.size, 50));
    assert.match(await page.locator("#duties-total").textContent(), new RegExp(`^${duties.length} items for ${officers.size} officers`));
    await shoot(page, "duties");
    // The kinds come from /api/v1/meta, labelled: vehicle-stop training items (demo-0007) by kind.
    assert.equal(await page.locator('select[name="kind"] option[value="training_vehicle_stop"]').textContent(), "training vehicle stop");
    const vehicle = duties.filter((d) => d.kind === "training_vehicle_stop");
    assert.ok(vehicle.some((d) => d.incident === "demo-0007" && d.officer === "o-101"));
    await page.locator('select[name="kind"]').selectOption("training_vehicle_stop");
    await page.getByRole("button", { name: "Show" }).click();
    assert.match(await page.locator("#duties-total").textContent(), new RegExp(`^${vehicle.length} items for `));
    assert.match(await page.locator('section.officer[data-officer="ice-ero-stp:o-101"]').textContent(), /vehicle_stops training: none recorded/);
    assert.deepEqual(page.errors, []);
  });

  test("the officer registry: the list, a profile, and the incident page's link to it", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/officers`);
    await page.locator("#officers").waitFor();
    const { officers } = await apiJson(page, "/api/v1/officers");
    assert.equal(await page.locator("#officers tbody tr").count(), officers.length);
    assert.ok((await page.locator("#officers").textContent()).includes("Northern Plains Immigration Enforcement Field Office (fictional) (ice-ero-stp)"));
    await page.goto(`${base}/#/incidents/demo-0007`);
    await page.locator("details.parties").click();
    await page.locator('details.parties a[href="#/officers/ice-ero-stp%3Ao-101"]').click();
    await page.locator("#officer-incidents").waitFor();
    assert.match(await page.locator("#officer-summary").textContent(), /^ice-ero-stp:o-101 · Northern Plains Immigration Enforcement Field Office \(fictional\) \(ice-ero-stp\)/);
    assert.ok((await page.locator("#officer-incidents").textContent()).includes("Northern Plains Immigration Enforcement Field Office (fictional) (ice-ero-stp)"));
    assert.deepEqual(await page.locator("#officer-incidents tbody tr td:first-child").allTextContents(), ["demo-0007"]);
    // No section missing from the answer shows up as the word "null".
    assert.ok(!/\bnull\b/.test(await page.locator("#main").innerText()), "a stray null on the officer page");
    await shoot(page, "officer");
    assert.deepEqual(page.errors, []);
  });

  test("the record log verifies a saved checkpoint", async () => {
    const page = await newPage();
    await page.goto(`${base}/#/log`);
    const checkpoint = await page.locator("#checkpoint").textContent();
    assert.match(checkpoint, /^forcewatch\.local\/\S+\n\d+\n/);
    await page.getByLabel("Checkpoint or stamp").fill(checkpoint);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#verify-result .notice").waitFor();
    assert.match(await page.locator("#verify-result").textContent(), /^Consistent/);
    await page.getByLabel("Checkpoint or stamp").fill(checkpoint.replace(/\n(\d+)\n/, "\n999999\n"));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForFunction(() => !/^Consistent|^Checking/.test(document.getElementById("verify-result").textContent));
    assert.doesNotMatch(await page.locator("#verify-result").textContent(), /^Consistent/);
    await shoot(page, "log");
  });

  test("the public sees no names and no cell under the threshold", async () => {
    const names = readdirSync(join(TOP, "examples")).filter((f) => f.endsWith(".json"))
      .flatMap((f) => { const d = JSON.parse(readFileSync(join(TOP, "examples", f), "utf8")); return [...(d.officers || []), ...(d.subjects || [])]; })
      .map((p) => p.name).filter(Boolean);
    assert.ok(names.length > 0);
    const page = await newPage();
    await page.goto(`${base}/#/overview`);
    await page.locator("#chart-map svg").first().waitFor();
    const text = await page.locator("body").textContent();
    for (const n of names) assert.ok(!text.includes(n), `the public page shows ${n}`);
    const { k, as_of, next } = await (await fetch(`${base}/public/stats?by=state`)).json();
    assert.equal(await page.locator("p.published").textContent(),
      `Published as of ${as_of.slice(0, 10)} ${as_of.slice(11, 16)} UTC; the next publication is due ${next.slice(0, 10)} ${next.slice(11, 16)} UTC. Newer records count from then.`);
    const cells = await page.locator("table.cells tbody tr td:last-child").allTextContents();
    assert.ok(cells.length > 0);
    for (const c of cells) assert.ok(c === "suppressed" || Number(c) >= k, `a public cell shows ${c} (k=${k})`);
    assert.deepEqual(await navLinks(page), ["Overview", "Record log"]);
    await shoot(page, "public-overview");
    assert.deepEqual(page.errors, []);
  });

  test("an analyst sees de-identified incidents; an officer only incidents, without findings", async () => {
    // Subjects' names are personal data (officers' are not: public employees acting officially).
    const doc = JSON.parse(readFileSync(join(TOP, "examples/01-vehicle-stop-disputed.json"), "utf8"));
    const people = doc.subjects.map((p) => p.name);
    assert.ok(people.length > 0);
    const page = await newPage();
    await signIn(page, "web-analyst", passwords.analyst);
    assert.deepEqual(await navLinks(page), ["Overview", "Incidents", "What-if", "Record log"]);
    await page.goto(`${base}/#/incidents/demo-0007`);
    await page.locator('section.review[data-policy="dhs-2023"]').waitFor();
    const text = await page.locator("main").textContent();
    for (const n of people) assert.ok(!text.includes(n), `the analyst sees ${n}`);
    assert.ok(text.includes("s-1"), "the subject is still shown by id");
    await page.goto(`${base}/#/cases`);
    assert.match(await page.locator("main").textContent(), /may not see this page/);
    const officer = await newPage();
    await signIn(officer, "web-officer", passwords.officer);
    assert.deepEqual(await navLinks(officer), ["Incidents", "Officers", "Record log"]);
    await officer.goto(`${base}/#/incidents/demo-0007`);
    await officer.locator("#swimlanes").waitFor();
    assert.equal(await officer.locator("section.review").count(), 0);
    await officer.goto(`${base}/#/incidents/ex-12-within-policy`);
    await officer.locator(".notice.error").waitFor();
    assert.deepEqual([...page.errors, ...officer.errors], []);
  });

  test("every page on a phone", async () => {
    const page = await newPage("phone");
    await signIn(page);
    for (const [name, hash, ready] of [["overview", "#/overview", "#chart-map svg"], ["incidents", "#/incidents", "#incident-list"],
      ["incident", "#/incidents/demo-0007", "section.review"], ["cases", "#/cases", "#case-list, .notice"], ["duties", "#/duties", "section.officer"],
      ["whatif", "#/whatif", "form"], ["log", "#/log", "#checkpoint"]]) {
      await page.goto(`${base}/${hash}`);
      await page.locator(ready).first().waitFor();
      // Nothing wider than the phone's screen but what scrolls inside its own box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} is ${overflow}px wider than the phone`);
      await shoot(page, name, "phone");
    }
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Cases" }).click();
    await page.locator("#case-list, .notice").first().waitFor();
    assert.deepEqual(page.errors, []);
  });

  test("keyboard: skip link and focus on the page heading", async () => {
    const page = await newPage();
    await page.goto(`${base}/#/log`);
    await page.locator("#checkpoint").waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
    await page.getByRole("link", { name: "Overview" }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === "H1");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Overview");
  });
  // Last, as it adds an incident (the counts checked above stay as they are).
  test("accounts aligned: the match across accounts and an act only one account tells", async () => {
    const page = await newPage();
    await signIn(page);
    // Example 09: o-902's hands_on is at 9 s in the video and 12 s in o-901's report.
    await page.goto(`${base}/#/incidents/ex-09-reach-in`);
    const ice = page.locator('section.review[data-policy="ice-vehicle-stops-1"]');
    await ice.waitFor();
    const aligned = ice.locator('.aligned[data-act="o-902 hands_on #1"]');
    assert.equal(await aligned.count(), 1);
    assert.equal(await aligned.textContent(), "Aligned: passenger-video t=9 ↔ o-901-report t=12");
    // The rules on the reach-in and on the command read the act's own facts: whether the
    // reach-in came before any other step (act.before_any_step) and the command's tone.
    const before = ice.locator('.decisive li[data-fact="act.before_any_step"]');
    assert.equal(await before.count(), 1);
    assert.match(await before.textContent(), /\(rule no-reach-in-first\): passenger-video says true; o-901-report says false/);
    await shoot(page, "incident-09-acts");
    const tone = ice.locator('.decisive li[data-fact="act.tone"]');
    assert.equal(await tone.count(), 1);
    assert.match(await tone.textContent(), /\(rule command-tone\): passenger-video says hostile; o-901-report says professional/);
    assert.equal(await ice.locator(".decisive li").count(), 2);
    // One matrix row per act, not per account's time: the reach-in, the command, the
    // hands_on and the takedown.
    assert.equal(await page.locator('#finding-matrix tr[data-policy="ice-vehicle-stops-1"]').count(), 4);
    // Example 01 with a second shot only the video shows.
    const doc = JSON.parse(readFileSync(join(TOP, "examples/01-vehicle-stop-disputed.json"), "utf8"));
    doc.id = "web-extra-shot";
    const video = doc.accounts.find((a) => a.id === "video");
    const shot = video.events.find((e) => e.type === "force");
    video.events.push({ ...shot, t: shot.t + 2, note: "a second shot" });
    video.events.sort((a, b) => (typeof a.t === "number" ? a.t : 1e9) - (typeof b.t === "number" ? b.t : 1e9));
    const file = join(dir, "extra-shot.json");
    writeFileSync(file, JSON.stringify(doc));
    fw("add", file);
    await page.goto(`${base}/#/incidents/web-extra-shot`);
    const dhs = page.locator('section.review[data-policy="dhs-2023"]');
    await dhs.waitFor();
    const only = dhs.locator(".only-in");
    assert.equal(await only.count(), 1);
    assert.equal(await only.getAttribute("data-account"), "video");
    assert.equal(await only.textContent(), "Disputed: o-101's second firearm_discharge appears only in account video");
    const row = page.locator('#finding-matrix tr[data-policy="dhs-2023"]').nth(1);
    assert.equal(await row.locator('td[data-account="agency"]').textContent(), "not in this account");
    assert.match(await row.textContent(), /disputed/);
    await shoot(page, "incident-aligned");
    // Example 14 with a third account that tells no force: the shot both other accounts tell
    // (within policy in both) is not disputed, as the review's acts say (no only_in).
    const three = JSON.parse(readFileSync(join(TOP, "examples/14-vehicle-toward-officer.json"), "utf8"));
    three.id = "web-three-accounts";
    three.accounts.push({ id: "medic", kind: "medical_examiner", source: "ems run sheet (test)",
      events: [{ t: 60, type: "medical_aid", person: "s-1", status: "rendered", provider: "ems" }] });
    const threeFile = join(dir, "three-accounts.json");
    writeFileSync(threeFile, JSON.stringify(three));
    fw("add", threeFile);
    await page.goto(`${base}/#/incidents/web-three-accounts`);
    const shotRow = page.locator('#finding-matrix tr[data-policy="dhs-2023"]');
    await shotRow.waitFor();
    assert.equal(await shotRow.count(), 1);
    assert.equal(await shotRow.locator('td[data-account="medic"]').textContent(), "not in this account");
    assert.equal(await shotRow.locator('td[data-account="agency"]').textContent(), "within policy");
    assert.equal(await shotRow.locator('td[data-account="video"]').textContent(), "within policy");
    assert.equal(await shotRow.locator("td").last().textContent(), "");
    assert.deepEqual(page.errors, []);
  });
});
