// What each role may see: the pages of the navigation, each opened by the
// roles that may do its action on the server (GET /api/v1/meta), so nobody
// is shown a page whose data the server would refuse them.
import { rolesFor } from "./meta.js";

export const PAGES = [
  // The public sees the suppressed public statistics; readers exact ones.
  { path: "overview", title: "Overview", action: "read_stats", alsoPublic: true },
  { path: "incidents", title: "Incidents", action: "read_incident" },
  { path: "cases", title: "Cases", action: "read_case" },
  { path: "duties", title: "Duties", action: "read_duties" },
  { path: "officers", title: "Officers", action: "read_officers" },
  { path: "whatif", title: "What-if", action: "read_policies" },
  { path: "log", title: "Record log", action: "public" },
];

export function roleOf(user) {
  return user ? user.role : "public";
}

// Whether the user's role may do action, as the server's table says.
export function may(user, action) {
  return rolesFor(action).includes(roleOf(user));
}

export function mayOpen(user, path) {
  const page = PAGES.find((p) => p.path === path);
  return !!page && ((page.alsoPublic && roleOf(user) === "public") || may(user, page.action));
}
