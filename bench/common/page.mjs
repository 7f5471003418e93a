// What the browser benches share: a call to the API from the signed-in
// page (its cookie session and CSRF token), answering the parsed JSON.
export async function pageFetch(page, method, path, json) {
  return page.evaluate(
    async ({ method, path, json }) => {
      const csrf = JSON.parse(sessionStorage.getItem("ruche.csrf") ?? "null");
      const headers = {};
      if (csrf && method !== "GET") headers[csrf.header] = csrf.token;
      if (json !== undefined) headers["Content-Type"] = "application/json";
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      const text = await r.text();
      if (!r.ok)
        throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : null;
    },
    { method, path, json },
  );
}
