/**
 * `GET /`: the editor's page. For now the sign-in (token → session cookie) and pointers to the
 * API; the keyboard-driven review and issue editor build on this route and the session.
 */
import type { Ctx } from "@wkn/core/context";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { html } from "hono/html";
import { SESSION_COOKIE, sessionValid } from "../middleware/auth/index.js";

export function editorRoutes(ctx: Ctx) {
  const r = new Hono();
  r.get("/", (c) => {
    const signedIn = sessionValid(getCookie(c, SESSION_COOKIE), ctx.config.editorToken, ctx.now().getTime());
    c.header("Cache-Control", "no-store");
    return c.html(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Editor · ${ctx.config.newsletterName}</title>
<style>
body{margin:0;padding:48px 16px;font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#222;background:#f5f7f8}
main{max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:32px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:0 0 16px}
input{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;margin:8px 0 16px}
button{background:#20beff;color:#fff;border:0;border-radius:4px;padding:10px 18px;font-size:1rem;font-weight:700;cursor:pointer}
#error{color:#b00020}
li{margin:6px 0}
</style>
</head>
<body>
<main>
<h1>${ctx.config.newsletterName} · editor</h1>
${
  signedIn
    ? html`<p>You are signed in.</p>
<ul>
<li><a href="/api/items?status=new">Candidates</a> · <a href="/api/sources">Sources</a> · <a href="/api/issues">Issues</a> · <a href="/api/subscribers">Subscribers</a></li>
<li><a href="/api/openapi.json">The API (OpenAPI document)</a></li>
<li><a href="/issues">Public archive</a> · <a href="/feed.xml">RSS</a></li>
</ul>
<button id="signout">Sign out</button>
<script>
document.getElementById("signout").onclick = async () => { await fetch("/api/session", { method: "DELETE" }); location.reload(); };
</script>`
    : html`<form id="login">
<label for="token">Editor token (printed by <code>npm start</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
<p id="error" role="alert"></p>
</form>
<script>
document.getElementById("login").onsubmit = async (e) => {
  e.preventDefault();
  const res = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: document.getElementById("token").value }) });
  if (res.ok) location.reload(); else document.getElementById("error").textContent = "That token is not right.";
};
</script>`
}
</main>
</body>
</html>`);
  });
  return r;
}
