// The dashboard's shell: who is signed in, the navigation their role may
// see, and a hash router (#/incidents/ID) so the server serves one page.
import { changePassword, currentUser, signIn, signOut } from "./api.js";
import { h, field, notice } from "./dom.js";
import { loadMeta } from "./meta.js";
import { PAGES, mayOpen, roleOf } from "./roles.js";
import { overviewPage } from "./pages/overview.js";
import { incidentsPage, incidentPage } from "./pages/incidents.js";
import { casesPage, casePage } from "./pages/cases.js";
import { dutiesPage } from "./pages/duties.js";
import { officersPage, officerPage } from "./pages/officers.js";
import { whatifPage } from "./pages/whatif.js";
import { logPage } from "./pages/log.js";

const state = { user: null };

const routes = {
  overview: overviewPage,
  incidents: (ctx, id) => (id ? incidentPage(ctx, id) : incidentsPage(ctx)),
  cases: (ctx, id) => (id ? casePage(ctx, id) : casesPage(ctx)),
  duties: dutiesPage,
  officers: (ctx, id) => (id ? officerPage(ctx, id) : officersPage(ctx)),
  whatif: whatifPage,
  log: logPage,
};

function homePath() {
  return roleOf(state.user) === "officer" ? "incidents" : "overview";
}

function renderNav(current) {
  const nav = document.getElementById("nav");
  nav.replaceChildren(h("ul", {},
    PAGES.filter((p) => !(state.user && state.user.must_change_password) && mayOpen(state.user, p.path)).map((p) =>
      h("li", {}, h("a", { href: `#/${p.path}`, "aria-current": p.path === current ? "page" : null }, p.title)))));
  const who = document.getElementById("who");
  if (state.user) {
    who.replaceChildren(
      h("span", {}, `${state.user.name} (${state.user.role}${state.user.agency ? `, ${state.user.agency}` : ""})`),
      h("button", { type: "button", onclick: async () => { await signOut(); state.user = null; location.hash = "#/overview"; route(); } }, "Sign out"));
  } else {
    who.replaceChildren(h("a", { href: "#/signin", class: "button" }, "Sign in"));
  }
}

function signinPage(ctx) {
  const user = h("input", { name: "username", autocomplete: "username", required: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "signin", onsubmit: async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    try {
      state.user = await signIn(user.value, pass.value);
      // A one-time password is changed before anything else.
      location.hash = state.user.must_change_password ? "#/password" : `#/${homePath()}`;
    } catch (e) {
      status.replaceChildren(notice(e.message, "error"));
    }
  } },
  field("User name", user), field("Password", pass), h("button", { type: "submit" }, "Sign in"), status);
  ctx.main.append(h("h1", { tabindex: -1 }, "Sign in"),
    h("p", {}, "Oversight staff, officers and analysts sign in; anyone may read the public statistics and check the record log."),
    form);
}

// Changing one's password; the only page a user signed in with a one-time
// password may open until they have (the server answers 403 to the rest).
function passwordPage(ctx) {
  const first = Boolean(state.user && state.user.must_change_password);
  const current = h("input", { name: "current", type: "password", autocomplete: "current-password", required: true });
  const next = h("input", { name: "new", type: "password", autocomplete: "new-password", required: true, minlength: 12 });
  const again = h("input", { name: "again", type: "password", autocomplete: "new-password", required: true, minlength: 12 });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "signin", onsubmit: async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    if (next.value !== again.value) {
      status.replaceChildren(notice("The two new passwords differ.", "error"));
      return;
    }
    try {
      await changePassword(current.value, next.value);
      state.user = { ...state.user, must_change_password: false };
      location.hash = `#/${homePath()}`;
    } catch (e) {
      status.replaceChildren(notice(e.message, "error"));
    }
  } },
  field(first ? "One-time password" : "Current password", current), field("New password", next),
  field("New password again", again), h("button", { type: "submit" }, "Change password"), status);
  ctx.main.append(h("h1", { tabindex: -1 }, first ? "Choose your password" : "Change your password"),
    h("p", {}, first
      ? "You signed in with a one-time password. Choose your own before going on: at least 12 characters, at least 5 different ones, not only spaces."
      : "At least 12 characters, at least 5 different ones, not only spaces. Your other sessions end."),
    form);
}

async function route() {
  const main = document.getElementById("main");
  // A page may take arguments after "?" (#/cases?state=reported): they are not part of its path.
  const [, path = "", ...rest] = location.hash.replace(/^#/, "").split("?")[0].split("/");
  const id = rest.length ? decodeURIComponent(rest.join("/")) : null;
  const page = path || homePath();
  renderNav(page);
  document.getElementById("nav").classList.remove("open");
  document.getElementById("menu").setAttribute("aria-expanded", "false");
  main.replaceChildren();
  const ctx = { main, user: state.user, route };
  try {
    if (page === "signin") signinPage(ctx);
    else if (page === "password" && state.user) passwordPage(ctx);
    else if (state.user && state.user.must_change_password) {
      location.hash = "#/password";
      return;
    }
    else if (!routes[page]) main.append(h("h1", { tabindex: -1 }, "Not found"), notice(`No page ${page}.`, "error"));
    else if (!mayOpen(state.user, page)) {
      main.append(h("h1", { tabindex: -1 }, "Sign in needed"),
        notice(state.user ? `The ${state.user.role} role may not see this page.` : "Sign in to see this page.", "error"));
    } else await routes[page](ctx, id);
  } catch (e) {
    main.append(notice(`Could not load this page: ${e.message}`, "error"));
  }
  const title = main.querySelector("h1");
  document.title = title ? `${title.textContent} · forcewatch` : "forcewatch";
  if (title && route.moved) title.focus();
  route.moved = true;
  main.setAttribute("aria-busy", "false");
}

async function start() {
  document.getElementById("menu").addEventListener("click", (ev) => {
    const nav = document.getElementById("nav");
    const open = nav.classList.toggle("open");
    ev.currentTarget.setAttribute("aria-expanded", String(open));
  });
  const [user] = await Promise.allSettled([currentUser(), loadMeta()]);
  state.user = user.status === "fulfilled" ? user.value : null;
  try {
    await loadMeta();   // every page's roles and lists come from the server's tables
  } catch (e) {
    document.getElementById("main").replaceChildren(notice(`Could not reach the server: ${e.message}`, "error"));
    return;
  }
  window.addEventListener("hashchange", route);
  await route();
}

start();
