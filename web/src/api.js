// Talking to the forcewatch API. The session lives in the server's HttpOnly,
// SameSite=Strict cookie; the CSRF token is kept in memory only (never in
// storage) and sent with every request that changes something.

let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(path, { method = "GET", json, text } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers["Content-Type"] = "text/plain; charset=utf-8";
    body = text;
  }
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, body, credentials: "same-origin" });
  const type = res.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof data === "object" ? data : null);
  return data;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

// Who is signed in (the public, when nobody), keeping a CSRF token the
// server hands back.
export async function currentUser() {
  try {
    const s = await api("/api/v1/session");
    if (s.csrf_token) csrf = s.csrf_token;
    return s.user;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signIn(username, password) {
  const s = await api("/api/v1/session", { method: "POST", json: { username, password } });
  csrf = s.csrf_token;
  return s.user;
}

// Change the signed-in user's password (the current one required); the
// server ends the user's other sessions and lifts the first-sign-in gate.
export async function changePassword(current, next) {
  return api("/api/v1/session/password", { method: "PUT", json: { current, new: next } });
}

export async function signOut() {
  try {
    await api("/api/v1/session", { method: "DELETE" });
  } finally {
    csrf = null;
  }
}
