import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/**
 * The few HTML pages the LTI flow needs between the LMS and the web app. Each carries its data as JSON (never
 * interpolated into script) and one inline script allowed by a nonce. They sit in the LMS's iframe and have nothing
 * to click, so any page may frame them.
 */

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** JSON safe inside a <script> element. */
const scriptJson = (data: unknown) => JSON.stringify(data).replace(/</g, '\\u003c');

function page(
  reply: FastifyReply,
  status: number,
  title: string,
  body: string,
  script?: { code: string; data: unknown },
  formTarget?: string,
) {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "style-src 'unsafe-inline'",
    "base-uri 'none'",
    `form-action 'self'${formTarget ? ` ${formTarget}` : ''}`,
    'frame-ancestors *',
  ].join('; ');
  const scripts = script
    ? `<script type="application/json" id="lti-data">${scriptJson(script.data)}</script><script nonce="${nonce}">${script.code}</script>`
    : '';
  return reply
    .status(status)
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
        `<body style="font-family: system-ui, sans-serif; margin: 2rem">${body}${scripts}</body></html>`,
    );
}

const readData = "const d = JSON.parse(document.getElementById('lti-data').textContent);";

/**
 * The LTI postMessage storage client: a request to the platform's storage frame, answered by message_id, or null
 * after two seconds (the platform did not answer).
 */
const storageClient = `
function ltiStorage(d, subject, fields) {
  const target = d.storageTarget === '_parent' ? window.parent : window.parent.frames[d.storageTarget];
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 2000);
    window.addEventListener('message', function onMessage(e) {
      if (e.origin !== d.platformOrigin || !e.data || e.data.message_id !== id || e.data.subject !== subject + '.response') return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve(e.data.error ? null : e.data);
    });
    try { target.postMessage(Object.assign({ subject, message_id: id }, fields), d.platformOrigin); }
    catch { clearTimeout(timer); resolve(null); }
  });
}`;

/** Login initiation with platform storage: keep the browser secret there, then go to the platform's auth request. */
export function loginWithStoragePage(
  reply: FastifyReply,
  data: { authUrl: string; storageTarget: string; platformOrigin: string; key: string; value: string },
) {
  const code = `${storageClient}
${readData}
ltiStorage(d, 'lti.put_data', { key: d.key, value: d.value }).then(() => location.replace(d.authUrl));`;
  return page(reply, 200, 'Signing in…', '<p>Signing in…</p>', { code, data });
}

/** The launch came back without our cookie: read the browser secret from the platform's storage and finish. */
export function launchWithStoragePage(
  reply: FastifyReply,
  data: { idToken: string; state: string; storageTarget: string; platformOrigin: string; key: string; completeUrl: string },
) {
  const code = `${storageClient}
${readData}
ltiStorage(d, 'lti.get_data', { key: d.key })
  .then((r) => fetch(d.completeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id_token: d.idToken, state: d.state, secret: (r && r.value) || 'none' }),
  }))
  .then(async (res) => {
    const body = await res.json();
    if (res.ok) location.replace(body.redirect);
    else document.getElementById('status').textContent = body.error.message + ' (' + body.error.code + ')';
  })
  .catch(() => { document.getElementById('status').textContent = 'The launch could not be completed; open the tool again from the LMS.'; });`;
  return page(reply, 200, 'Signing in…', '<p id="status" role="status">Signing in…</p>', { code, data });
}

/** Sends the browser on to the web app (a script, so the token in the fragment never sits in a header). */
export function redirectPage(reply: FastifyReply, url: string) {
  return page(reply, 200, 'Opening…', '<p>Opening…</p>', { code: `${readData}\nlocation.replace(d.url);`, data: { url } });
}

/** A refused login, launch or registration, in words, with its stable code. */
export function errorPage(reply: FastifyReply, status: number, code: string, message: string, title = 'The class could not be opened') {
  const body = `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><small>Error code: ${escapeHtml(code)}. Open the tool again from your course; if it keeps failing, show this to your LMS administrator.</small></p>`;
  return page(reply, status, title, body);
}

/** Dynamic Registration is done: tell the LMS to close its registration window (spec: org.imsglobal.lti.close). */
export function registrationDonePage(reply: FastifyReply, name: string) {
  const code = "(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');";
  return page(reply, 200, 'Registered', `<h1>Registered</h1><p>${escapeHtml(name)} can now launch Skill Probe Live.</p>`, {
    code,
    data: {},
  });
}

/** Deep Linking's answer: the signed LtiDeepLinkingResponse, posted to the LMS's return URL by the browser. */
export function deepLinkReturnPage(reply: FastifyReply, data: { returnUrl: string; jwt: string }) {
  const code = `${readData}
const form = document.createElement('form');
form.method = 'POST';
form.action = d.returnUrl;
const field = document.createElement('input');
field.type = 'hidden';
field.name = 'JWT';
field.value = d.jwt;
form.appendChild(field);
document.body.appendChild(form);
form.submit();`;
  return page(reply, 200, 'Placing in the LMS…', '<p>Placing the classes in the LMS…</p>', { code, data }, new URL(data.returnUrl).origin);
}
