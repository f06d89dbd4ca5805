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

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

/** Call the JSON API; resolves to the parsed body or throws ApiError / NetworkError. */
export async function api(method, path, body) {
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
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
