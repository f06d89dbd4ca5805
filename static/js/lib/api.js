// The JSON API (docs/API.md): every call carries the CSRF header and the session cookie.

export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error ?? null;
    this.body = body ?? {};
  }
}

export class NetworkError extends Error {
  constructor() {
    super("network");
    this.name = "NetworkError";
  }
}

const tokenTag = () => document.querySelector('meta[name="csrf-token"]');
const csrf = () => tokenTag()?.content ?? "";

/**
 * Use `token` as the page's CSRF token from now on: for scripts (the meta tag), htmx (the body's
 * hx-headers) and plain forms (their csrf_token fields, sign-out's among them). A page the
 * service worker served from the device may carry an old one (static/js/notebook/sw.js).
 */
export function useCsrf(token) {
  if (typeof token !== "string" || !token) return;
  tokenTag()?.setAttribute("content", token);
  if (document.body.hasAttribute("hx-headers")) {
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }
  for (const field of document.querySelectorAll('input[name="csrf_token"]')) field.value = token;
}

/** A fresh CSRF token from the server, put in the page for every later call. */
async function renewCsrf() {
  const response = await fetch("/api/v1/csrf", { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const { csrf_token: token } = await response.json();
  if (typeof token !== "string" || !token) throw new Error("no token");
  useCsrf(token);
  return token;
}

async function send(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRFToken"] = csrf();
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new NetworkError();
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { response, data };
}

/**
 * Call the JSON API; resolves to the parsed body or throws ApiError / NetworkError. A request
 * refused for its CSRF token (a page kept on the device may carry an old one) is sent once more
 * with a fresh token.
 */
export async function api(method, path, body) {
  let { response, data } = await send(method, path, body);
  if (method !== "GET" && response.status === 400 && data?.reason === "csrf") {
    let renewed = false;
    try {
      renewed = Boolean(await renewCsrf());
    } catch {
      // No fresh token (offline meanwhile): the refusal stands.
    }
    if (renewed) ({ response, data } = await send(method, path, body));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
