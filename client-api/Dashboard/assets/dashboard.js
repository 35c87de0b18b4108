// Metering admin dashboard. Plain JavaScript, no build step, no dependency.
// It uses only the public HTTP API (docs/api.md) with the key the user typed: the key lives in
// this tab's sessionStorage and goes out only as the Authorization header, never in a URL.
// Every value from the API is written with textContent (never parsed as HTML).
"use strict";

const KEY = "metering.adminKey";
const PAGE = 50;
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ small helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    // Through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes.
    else if (name === "style") el.style.cssText = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const num = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"));
const usd = (micros) => (micros === null || micros === undefined ? "—" : "$" + (micros / 1e6).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 }));
const when = (t) => (t ? new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");
const today = () => new Date().toISOString().slice(0, 10);
const monthStart = () => today().slice(0, 8) + "01";
const enc = encodeURIComponent;

function table(headers, rows, caption) {
  const head = h("tr", {}, headers.map((c) => h("th", { scope: "col", class: c.num ? "num" : null }, c.label ?? c)));
  const body = rows.length
    ? rows.map((r) => h("tr", {}, r.map((cell, i) => h("td", { class: headers[i] && headers[i].num ? "num" : null }, cell))))
    : [h("tr", {}, h("td", { colspan: headers.length }, "Nothing yet."))];
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption || "table" },
    h("table", {}, caption ? h("caption", { class: "visually-hidden" }, caption) : null, h("thead", {}, head), h("tbody", {}, body)));
}

function field(label, input) {
  const id = "f-" + Math.random().toString(36).slice(2, 9);
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

function bar(parts, total, mark) {
  const el = h("div", { class: "bar", role: "img", "aria-label": parts.map((p) => `${p.label} ${num(p.value)}`).join(", ") + ` of ${num(total)}` });
  for (const p of parts) {
    const pct = total > 0 ? Math.min(100, (100 * p.value) / total) : 0;
    el.append(h("span", { class: p.cls, style: `width:${pct}%` }));
  }
  if (mark !== undefined && total > 0) el.append(h("span", { class: "mark", style: `left:${Math.min(100, (100 * mark) / total)}%` }));
  return el;
}

// A vertical bar chart in SVG; the same numbers are always in a table beside it.
function barChart(title, points) {
  const w = 720, hgt = 200, pad = 30;
  const max = Math.max(1, ...points.map((p) => p.value));
  const bw = points.length ? (w - pad * 2) / points.length : 0;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", title);
  const t = document.createElementNS(svg.namespaceURI, "title");
  t.textContent = title;
  svg.append(t);
  points.forEach((p, i) => {
    const bh = ((hgt - pad * 2) * p.value) / max;
    const r = document.createElementNS(svg.namespaceURI, "rect");
    r.setAttribute("class", "v");
    r.setAttribute("x", String(pad + i * bw + 1));
    r.setAttribute("y", String(hgt - pad - bh));
    r.setAttribute("width", String(Math.max(1, bw - 2)));
    r.setAttribute("height", String(bh));
    const tip = document.createElementNS(svg.namespaceURI, "title");
    tip.textContent = `${p.label}: ${num(p.value)}`;
    r.append(tip);
    svg.append(r);
  });
  const label = (x, y, text, anchor) => {
    const el = document.createElementNS(svg.namespaceURI, "text");
    el.setAttribute("x", String(x)); el.setAttribute("y", String(y));
    if (anchor) el.setAttribute("text-anchor", anchor);
    el.textContent = text;
    svg.append(el);
  };
  label(pad, 14, `max ${num(max)}`);
  if (points.length) {
    label(pad, hgt - 10, points[0].label);
    label(w - pad, hgt - 10, points[points.length - 1].label, "end");
  }
  return svg;
}

function say(text, isError) {
  const box = h("div", { class: "message" + (isError ? " error" : "") },
    h("button", { type: "button", class: "secondary", "aria-label": "Dismiss", onclick: (e) => e.target.parentElement.remove() }, "×"),
    text);
  $("messages").append(box);
  if (!isError) setTimeout(() => box.remove(), 6000);
}

// An API error shows its RFC 9457 problem: title, status, code, detail and the field errors.
function problemText(p, status) {
  if (!p || typeof p !== "object") return `HTTP ${status}`;
  let text = `${p.title || "Error"} (${p.status || status} ${p.code || ""})${p.detail ? ": " + p.detail : ""}`;
  if (p.errors) text += " — " + Object.entries(p.errors).map(([f, m]) => `${f}: ${[].concat(m).join(", ")}`).join("; ");
  return text;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problemText(problem, status));
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const key = sessionStorage.getItem(KEY);
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = "Bearer " + key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store", credentials: "omit" });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    if (response.status === 401) signOut("Your key was refused: " + problemText(json, 401));
    throw new ApiError(response.status, json);
  }
  return { status: response.status, body: json };
}

function confirmAction(text) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "cancel";
    dialog.showModal();
    $("confirm-ok").focus();
  });
}

// Runs a money-moving or settings change: confirm, send, report the answer or its problem.
async function change(text, send, done) {
  if (!(await confirmAction(text))) return;
  try {
    const answer = await send();
    done(answer);
  } catch (e) {
    say(e.message, true);
  }
}

// ------------------------------------------------------------------ routing (hash: #/view/id?query)

function route() {
  const raw = location.hash.replace(/^#\/?/, "") || "overview";
  const [path, query] = raw.split("?");
  const [view, ...rest] = path.split("/");
  return { view, id: rest.length ? decodeURIComponent(rest.join("/")) : null, query: new URLSearchParams(query || "") };
}

function go(view, id, query) {
  const q = query && [...query].length ? "?" + query.toString() : "";
  location.hash = `#/${view}${id ? "/" + enc(id) : ""}${q}`;
}

let refreshTimer = null;

async function render() {
  clearInterval(refreshTimer);
  const signedIn = !!sessionStorage.getItem(KEY);
  $("sign-in").hidden = signedIn;
  $("nav").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  const view = $("view");
  view.hidden = !signedIn;
  if (!signedIn) { $("api-key").focus(); return; }
  const r = route();
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.getAttribute("href") === "#/" + r.view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  const page = VIEWS[r.view] || VIEWS.overview;
  view.replaceChildren(h("p", { class: "hint" }, "Loading…"));
  try {
    const content = await page(r);
    view.replaceChildren(...[].concat(content));
  } catch (e) {
    view.replaceChildren(h("h2", {}, "Could not load this view"), h("p", { class: "problem", role: "alert" }, e.message));
  }
}

// Lists are paged by cursor: the cursors of earlier pages are kept in the URL's query ("back"),
// so a page is linkable and Previous works without the server keeping anything.
function pager(r, next) {
  const trail = (r.query.get("trail") || "").split(",").filter(Boolean);
  const after = r.query.get("after");
  const nav = h("div", { class: "toolbar" });
  if (after) {
    nav.append(h("button", { type: "button", class: "secondary", onclick: () => {
      const q = new URLSearchParams(r.query);
      const prev = trail.pop();
      if (prev && prev !== "-") q.set("after", prev); else q.delete("after");
      if (trail.length) q.set("trail", trail.join(",")); else q.delete("trail");
      go(r.view, r.id, q);
    } }, "Previous page"));
  }
  if (next) {
    nav.append(h("button", { type: "button", class: "secondary", onclick: () => {
      const q = new URLSearchParams(r.query);
      q.set("trail", [...trail, after || "-"].join(","));
      q.set("after", next);
      go(r.view, r.id, q);
    } }, "Next page"));
  }
  return nav;
}

function pagedPath(base, r) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (r.query.get("after")) q.set("after", r.query.get("after"));
  return `${base}?${q}`;
}

function searchBox(label, view, value) {
  const input = h("input", { type: "search", value: value || "", spellcheck: "false", placeholder: "exact id" });
  return h("form", { class: "inline", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const id = input.value.trim();
    if (id) go(view, id);
  } }, field(label, input), h("button", { type: "submit" }, "Open"));
}

// ------------------------------------------------------------------ views

const VIEWS = {};

VIEWS.overview = async () => {
  const { body: o } = await api("GET", "/v1/admin/overview");
  refreshTimer = setInterval(() => { if (route().view === "overview" && !document.querySelector("dialog[open]")) render(); }, 10000);
  const active = o.silos.filter((s) => s.status === "Active").length;
  const health = h("div", { class: "cards" },
    h("div", { class: "card", id: "health-silos" }, h("h3", {}, "Silos"), h("div", { class: "stat" }, `${active} active`),
      table(["Silo", "Status", "Started", "Reported"], o.silos.map((s) => [s.name || s.address, h("span", { class: "badge " + (s.status === "Active" ? "ok" : "bad") }, s.status), when(s.startedAt), when(s.reportedAt)]), "silos")),
    h("div", { class: "card", id: "health-frontends" }, h("h3", {}, "Front ends"), h("div", { class: "stat" }, `${o.frontEnds.length} alive`),
      table(["Front end", "Since", "Seen"], o.frontEnds.map((f) => [f.name, when(f.startedAt), when(f.at)]), "front ends")),
    h("div", { class: "card", id: "health-postgres" }, h("h3", {}, "PostgreSQL"),
      h("div", { class: "stat" }, h("span", { class: "badge " + (o.postgres.reachable ? "ok" : "bad") }, o.postgres.reachable ? "reachable" : "unreachable")),
      o.postgres.millis !== null ? h("p", { class: "hint" }, `probe answered in ${o.postgres.millis} ms`) : null),
    h("div", { class: "card", id: "flush" }, h("h3", {}, "Shared flush"),
      h("div", { class: "stat" }, `${o.flush.perSecond} tx/s`),
      h("p", {}, `batch: mean ${o.flush.meanBatch}, max ${num(o.flush.maxBatch)} operations`),
      h("p", {}, `latency: mean ${o.flush.meanMillis} ms, max ${o.flush.maxMillis} ms`)));
  return [
    h("h2", {}, "Overview"),
    h("p", { class: "hint" }, `As of ${when(o.at)}; rates over the last ${o.windowSeconds} s. Refreshes every 10 s.`),
    health,
    h("h3", {}, "Operations per second"),
    table(["Kind", "Operation", "Outcome", { label: "Per second", num: true }, { label: `In ${o.windowSeconds} s`, num: true }],
      o.operations.map((x) => [x.kind, x.operation, x.outcome, x.perSecond, num(x.count)]), "operations per second"),
    h("h3", {}, "Refusals by reason"),
    table(["Code", { label: "Per second", num: true }, { label: `In ${o.windowSeconds} s`, num: true }], o.refusals.map((x) => [x.code, x.perSecond, num(x.count)]), "refusals"),
    h("h3", {}, "Accounts nearest their limits"),
    h("p", { class: "hint" }, "Accounts active on a silo (an idle account deactivates and leaves the list); holds are not counted."),
    table(["Kind", "Account", "Used of limit", { label: "Used", num: true }, { label: "Limit", num: true }, "Resets"],
      o.nearestLimits.map((n) => [n.kind, h("a", { href: `#/${n.kind}s/${enc(n.id)}` }, n.id),
        bar([{ cls: "used", value: n.used, label: "used" }], n.limit), amount(n.used, n.unit), amount(n.limit, n.unit), n.resetsAt ? when(n.resetsAt) : "never"]),
      "nearest limits"),
  ];
};

// An amount in the unit the overview names: micro-USD as dollars, credits and tokens as counts.
function amount(value, unit) {
  return unit === "micros" ? usd(value) : `${num(value)} ${unit}`;
}

VIEWS.installs = async (r) => {
  if (r.id) {
    const { body: a } = await api("GET", `/v1/installs/${enc(r.id)}`);
    return [h("h2", {}, `Install ${a.installId}`), h("p", {}, h("a", { href: "#/installs" }, "← all installs")), installTable([a])];
  }
  const [{ body: page }, { body: tiers }] = await Promise.all([api("GET", pagedPath("/v1/admin/installs", r)), api("GET", "/v1/admin/tiers")]);
  return [h("h2", {}, "Installs"), searchBox("Install id", "installs"), installTable(page.items), pager(r, page.next), h("h3", {}, "Tier quotas"), tierEditor(tiers)];
};

function installTable(items) {
  return table(["Install", "Tier", { label: "Lifetime", num: true }, { label: "Lifetime gemini", num: true }, "Month", { label: "Monthly", num: true },
    { label: "Monthly gemini", num: true }, { label: "Gemini share", num: true }, { label: "Reserved", num: true }, { label: "Remaining", num: true }, "Capped", "Last active"],
  items.map((a) => {
    const used = a.capped === "lifetime" ? a.lifetimeConsumed : a.monthlyConsumed;
    const gem = a.capped === "lifetime" ? a.lifetimeGeminiConsumed : a.monthlyGeminiConsumed;
    return [h("a", { href: `#/installs/${enc(a.installId)}` }, a.installId), a.tier, num(a.lifetimeConsumed), num(a.lifetimeGeminiConsumed), a.month,
      num(a.monthlyConsumed), num(a.monthlyGeminiConsumed), used > 0 ? Math.round((100 * gem) / used) + " %" : "—", num(a.reserved),
      a.remaining === null ? "unlimited" : num(a.remaining), a.capped, when(a.lastActiveAt)];
  }), "installs");
}

function tierEditor(tiers) {
  const names = ["lifetime", "monthly", "geminiCapLifetime", "geminiCapMonthly"];
  const rows = Object.entries(tiers).map(([tier, q]) => {
    const inputs = names.map((n) => h("input", { type: "number", min: "0", step: "1", value: q[n] ?? "", placeholder: "unlimited", "aria-label": `${tier} ${n}`, name: n }));
    const form = h("form", { class: "inline", "aria-label": `Quota of tier ${tier}`, onsubmit: (e) => {
      e.preventDefault();
      const body = {};
      inputs.forEach((i, k) => { body[names[k]] = i.value === "" ? null : Number(i.value); });
      change(`Set the ${tier} tier's quota to ${JSON.stringify(body)}? This changes what every ${tier} install may spend.`,
        () => api("PUT", `/v1/admin/tiers/${enc(tier)}`, body), () => { say(`Tier ${tier} saved.`); render(); });
    } }, h("strong", {}, tier), inputs.map((i, k) => field(names[k], i)), h("button", { type: "submit" }, `Save ${tier}`));
    return form;
  });
  return h("div", { class: "card" }, h("p", { class: "hint" }, "Exactly one of lifetime or monthly applies; empty means unlimited (null)."), rows);
}

VIEWS.pools = async (r) => {
  if (r.id) return poolDetail(r);
  const { body: page } = await api("GET", pagedPath("/v1/admin/pools", r));
  return [h("h2", {}, "Pools"), searchBox("Pool id", "pools"),
    table(["Pool", "Balance", { label: "Used", num: true }, { label: "Held", num: true }, { label: "Limit", num: true }, { label: "Remaining", num: true }],
      page.items.map((p) => [h("a", { href: `#/pools/${enc(p.poolId)}` }, p.poolId), poolBar(p), usd(p.usedMicros), usd(p.reservedMicros), usd(p.limitMicros), usd(p.remainingMicros)]), "pools"),
    pager(r, page.next)];
};

function poolBar(p) {
  return bar([{ cls: "used", value: p.usedMicros, label: "used" }, { cls: "held", value: p.reservedMicros, label: "held" }], Math.max(p.limitMicros, p.usedMicros + p.reservedMicros));
}

async function poolDetail(r) {
  const id = r.id;
  const from = r.query.get("from") || "", to = r.query.get("to") || "";
  const auditQuery = new URLSearchParams({ limit: String(PAGE) });
  if (r.query.get("after")) auditQuery.set("after", r.query.get("after"));
  if (from) auditQuery.set("from", from + "T00:00:00Z");
  if (to) auditQuery.set("to", to + "T23:59:59.999Z");
  const [{ body: p }, { body: grants }, { body: audit }] = await Promise.all([
    api("GET", `/v1/pools/${enc(id)}`), api("GET", `/v1/admin/pools/${enc(id)}/grants?limit=${PAGE}`), api("GET", `/v1/pools/${enc(id)}/usage?${auditQuery}`)]);

  const limit = h("input", { type: "number", min: "0", step: "1", required: true, value: String(p.limitMicros) });
  const limitForm = h("form", { class: "inline", id: "limit-form", onsubmit: (e) => {
    e.preventDefault();
    const micros = Number(limit.value);
    change(`Set pool ${id}'s limit to ${usd(micros)} (${num(micros)} micro-USD)?`, () => api("PUT", `/v1/admin/pools/${enc(id)}`, { limitMicros: micros }),
      () => { say(`Limit of ${id} set.`); render(); });
  } }, field("Limit (micro-USD)", limit), h("button", { type: "submit" }, "Set limit"));

  // The grant id is made once per form and kept, with the amount and note, after sending (also
  // across the refresh that follows): sending the same form again is a replay the server
  // recognises (200, nothing granted twice). "New grant id" starts a fresh grant.
  if (!grantDraft || grantDraft.pool !== id) grantDraft = { pool: id, grantId: newGrantId(), micros: "", note: "" };
  const grantId = h("input", { type: "text", required: true, value: grantDraft.grantId, spellcheck: "false", name: "grantId" });
  const micros = h("input", { type: "number", min: "1", step: "1", required: true, name: "micros", value: grantDraft.micros });
  const note = h("input", { type: "text", maxlength: "1024", name: "note", value: grantDraft.note });
  const grantForm = h("form", { class: "inline", id: "grant-form", onsubmit: (e) => {
    e.preventDefault();
    const body = { grantId: grantId.value.trim(), micros: Number(micros.value) };
    if (note.value.trim()) body.note = note.value.trim();
    grantDraft = { pool: id, grantId: body.grantId, micros: micros.value, note: note.value };
    change(`Grant ${usd(body.micros)} (${num(body.micros)} micro-USD) to pool ${id} as grant ${body.grantId}? This raises its limit.`,
      () => api("POST", `/v1/admin/pools/${enc(id)}/grants`, body),
      (a) => { say(a.status === 201 ? `Granted: limit is now ${usd(a.body.limitMicros)}.` : `Grant ${body.grantId} was already made: nothing granted again (limit ${usd(a.body.limitMicros)}).`); render(); });
  } }, field("Grant id", grantId), field("Micro-USD", micros), field("Note", note), h("button", { type: "submit" }, "Grant"),
  h("button", { type: "button", class: "secondary", onclick: () => {
    grantDraft = { pool: id, grantId: newGrantId(), micros: "", note: "" };
    grantId.value = grantDraft.grantId; micros.value = ""; note.value = "";
  } }, "New grant id"));

  const fromInput = h("input", { type: "date", value: from }), toInput = h("input", { type: "date", value: to });
  const filter = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (fromInput.value) q.set("from", fromInput.value);
    if (toInput.value) q.set("to", toInput.value);
    go("pools", id, q);
  } }, field("From (UTC day)", fromInput), field("To (UTC day)", toInput), h("button", { type: "submit" }, "Filter"));

  return [h("h2", {}, `Pool ${p.poolId}`), h("p", {}, h("a", { href: "#/pools" }, "← all pools")),
    h("div", { class: "card", id: "pool-balance" }, poolBar(p),
      h("div", { class: "legend" }, h("span", {}, h("i", { style: "background:var(--used)" }), `used ${usd(p.usedMicros)}`),
        h("span", {}, h("i", { style: "background:var(--held)" }), `held ${usd(p.reservedMicros)}`),
        h("span", {}, `remaining ${usd(p.remainingMicros)} of ${usd(p.limitMicros)}`)),
      h("p", {}, "Limit: ", h("strong", { id: "pool-limit", "data-micros": String(p.limitMicros) }, usd(p.limitMicros)))),
    h("h3", {}, "Limit"), limitForm,
    h("h3", {}, "Grants"), grantForm,
    table(["Grant", { label: "Amount", num: true }, "Note", "When", { label: "Limit after", num: true }],
      grants.items.map((g) => [g.grantId, usd(g.micros), g.note || "", when(g.grantedAt), usd(g.limitMicros)]), "grants"),
    h("h3", {}, "Audit records"), filter,
    table(["When", "Request", "Usage type", "Model", { label: "Tokens", num: true }, { label: "Cost", num: true }, "Billed"],
      audit.items.map((a) => [when(a.at), a.requestId, a.usageType, a.model, num(a.totalTokens), usd(a.costMicros), a.billed ? "yes" : "free"]), "audit records"),
    pager(r, audit.next)];
}

let grantDraft = null;

function newGrantId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return "grant-" + today() + "-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

VIEWS.ports = async (r) => {
  if (r.id) return portDetail(r);
  const { body: page } = await api("GET", pagedPath("/v1/admin/ports", r));
  return [h("h2", {}, "Ports"), searchBox("Port id", "ports"),
    table(["Port", "Budget", "Usage", { label: "Used", num: true }, { label: "Soft cap", num: true }, { label: "Hard cap", num: true }, "Period", "State"],
      page.items.map((p) => [h("a", { href: `#/ports/${enc(p.portId)}` }, p.portId), p.budget.enabled ? "enabled" : "disabled", portGauge(p), num(p.usedTokens),
        num(p.budget.softCapTokens), num(p.budget.hardCapTokens), p.budget.period,
        p.softCap ? h("span", { class: "badge warn" }, "past soft cap") : h("span", { class: "badge ok" }, "ok")]), "ports"),
    pager(r, page.next)];
};

function portGauge(p) {
  return bar([{ cls: "used", value: p.usedTokens, label: "used" }, { cls: "held", value: p.reservedTokens, label: "held" }],
    Math.max(p.budget.hardCapTokens, p.usedTokens + p.reservedTokens), p.budget.softCapTokens);
}

async function portDetail(r) {
  const id = r.id;
  const [{ body: p }, { body: breakdown }, { body: changes }] = await Promise.all([
    api("GET", `/v1/ports/${enc(id)}`), api("GET", `/v1/ports/${enc(id)}/breakdown`), api("GET", `/v1/admin/ports/${enc(id)}/budget-changes?limit=${PAGE}`)]);
  const start = p.periodStart.slice(0, 10);
  const { body: daily } = await api("GET", `/v1/ports/${enc(id)}/daily?from=${start}&to=${today()}`);
  const perDay = new Map();
  for (let d = new Date(start + "T00:00:00Z"); d.toISOString().slice(0, 10) <= today(); d.setUTCDate(d.getUTCDate() + 1)) perDay.set(d.toISOString().slice(0, 10), 0);
  for (const d of daily) perDay.set(d.date, (perDay.get(d.date) || 0) + d.tokens);

  const enabled = h("select", {}, h("option", { value: "true", selected: p.budget.enabled }, "enabled"), h("option", { value: "false", selected: !p.budget.enabled }, "disabled"));
  const soft = h("input", { type: "number", min: "0", step: "1", required: true, value: String(p.budget.softCapTokens) });
  const hard = h("input", { type: "number", min: "0", step: "1", required: true, value: String(p.budget.hardCapTokens) });
  const period = h("select", {}, ["day", "week", "month"].map((x) => h("option", { value: x, selected: p.budget.period === x }, x)));
  const budgetForm = h("form", { class: "inline", id: "budget-form", onsubmit: (e) => {
    e.preventDefault();
    const body = { enabled: enabled.value === "true", softCapTokens: Number(soft.value), hardCapTokens: Number(hard.value), period: period.value };
    change(`Set port ${id}'s budget to ${body.enabled ? "enabled" : "disabled"}, soft ${num(body.softCapTokens)}, hard ${num(body.hardCapTokens)} tokens per ${body.period}?`,
      () => api("PUT", `/v1/ports/${enc(id)}/budget`, body), () => { say(`Budget of ${id} saved.`); render(); });
  } }, field("Budget", enabled), field("Soft cap (tokens)", soft), field("Hard cap (tokens)", hard), field("Period", period), h("button", { type: "submit" }, "Save budget"));

  return [h("h2", {}, `Port ${p.portId}`), h("p", {}, h("a", { href: "#/ports" }, "← all ports")),
    p.softCap ? h("div", { class: "banner warn", id: "soft-cap-banner", role: "status" },
      `Soft cap passed: ${num(p.usedTokens)} tokens used this ${p.budget.period}, soft cap ${num(p.budget.softCapTokens)}, hard cap ${num(p.budget.hardCapTokens)}.`) : null,
    h("div", { class: "card", id: "port-gauge" }, portGauge(p),
      h("div", { class: "legend" }, h("span", {}, h("i", { style: "background:var(--used)" }), `used ${num(p.usedTokens)}`),
        h("span", {}, h("i", { style: "background:var(--held)" }), `held ${num(p.reservedTokens)}`),
        h("span", {}, h("i", { style: "background:var(--warn)" }), `soft cap ${num(p.budget.softCapTokens)}`),
        h("span", {}, `hard cap ${num(p.budget.hardCapTokens)}; ${p.budget.enabled ? "enforced" : "not enforced (disabled)"}; period from ${when(p.periodStart)}`))),
    h("h3", {}, "Per feature this period"),
    barChart(`Tokens per feature since ${start}`, breakdown.map((f) => ({ label: f.feature, value: f.tokens }))),
    table(["Feature", { label: "Tokens", num: true }, { label: "Calls", num: true }], breakdown.map((f) => [f.feature, num(f.tokens), num(f.calls)]), "per feature"),
    h("h3", {}, "Tokens per day"),
    barChart(`Tokens per day from ${start} to ${today()}`, [...perDay].map(([d, v]) => ({ label: d, value: v }))),
    h("h3", {}, "Budget"), budgetForm,
    h("h3", {}, "Change history"),
    table(["#", "When", "Who", "Budget", { label: "Soft cap", num: true }, { label: "Hard cap", num: true }, "Period"],
      changes.items.map((c) => [String(c.seq), when(c.changedAt), c.changedBy, c.enabled ? "enabled" : "disabled", num(c.softCapTokens), num(c.hardCapTokens), c.period]), "budget changes")];
}

VIEWS.tenants = async (r) => {
  if (r.id) return tenantDetail(r);
  const { body: page } = await api("GET", pagedPath("/v1/admin/tenants", r));
  return [h("h2", {}, "Tenants"), searchBox("Tenant id", "tenants"),
    table(["Tenant"], page.items.map((t) => [h("a", { href: `#/tenants/${enc(t.tenantId)}` }, t.tenantId)]), "tenants"), pager(r, page.next)];
};

async function tenantDetail(r) {
  const id = r.id;
  const from = r.query.get("from") || monthStart(), to = r.query.get("to") || today();
  const [{ body: lines }, { body: daily }] = await Promise.all([
    api("GET", `/v1/tenants/${enc(id)}/invoice-lines?periodStart=${from}&periodEnd=${to}`), api("GET", `/v1/tenants/${enc(id)}/daily?from=${from}&to=${to}`)]);
  const fromInput = h("input", { type: "date", value: from, required: true }), toInput = h("input", { type: "date", value: to, required: true });
  const period = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    go("tenants", id, new URLSearchParams({ from: fromInput.value, to: toInput.value }));
  } }, field("Period start (UTC)", fromInput), field("Period end (UTC)", toInput), h("button", { type: "submit" }, "Show"));
  // Charges per day, summed over deployments in cents for the chart only (the table keeps the exact strings).
  const perDay = new Map();
  for (const d of daily) perDay.set(d.date, (perDay.get(d.date) || 0) + Math.round(Number(d.charge) * 100));
  return [h("h2", {}, `Tenant ${id}`), h("p", {}, h("a", { href: "#/tenants" }, "← all tenants")), period,
    h("h3", {}, "Invoice lines"),
    table(["Deployment", "Description", { label: "Tokens", num: true }, { label: "Amount", num: true }],
      lines.map((l) => [l.deploymentId, l.description, num(l.qty), "$" + (l.amountCents / 100).toFixed(2)]), "invoice lines"),
    h("h3", {}, "Charges per day"),
    barChart(`Charges per day in cents from ${from} to ${to}`, [...perDay].map(([d, v]) => ({ label: d, value: v }))),
    table(["Day", "Deployment", { label: "Requests", num: true }, { label: "Input", num: true }, { label: "Output", num: true }, { label: "Charge (USD)", num: true }],
      daily.map((d) => [d.date, d.deploymentId, num(d.requests), num(d.inputTokens), num(d.outputTokens), d.charge]), "charges per day")];
}

VIEWS.reservations = async (r) => {
  const kind = h("select", { name: "kind" }, ["installs", "pools", "ports"].map((k) => h("option", { value: k, selected: r.query.get("kind") === k }, k)));
  const account = h("input", { type: "text", required: true, value: r.query.get("account") || "", spellcheck: "false", name: "account" });
  const requestId = h("input", { type: "text", required: true, value: r.query.get("requestId") || "", spellcheck: "false", name: "requestId" });
  const form = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    go("reservations", null, new URLSearchParams({ kind: kind.value, account: account.value.trim(), requestId: requestId.value.trim() }));
  } }, field("Account kind", kind), field("Account id", account), field("Request id", requestId), h("button", { type: "submit" }, "Look up"));
  const out = [h("h2", {}, "Reservations"), form];
  if (r.query.get("account") && r.query.get("requestId")) {
    try {
      const { body } = await api("GET", `/v1/${enc(r.query.get("kind") || "installs")}/${enc(r.query.get("account"))}/reservations/${enc(r.query.get("requestId"))}`);
      out.push(h("div", { class: "card", id: "reservation" }, h("p", {}, "State: ", h("span", { class: "badge" }, body.state), "  expires ", when(body.expiresAt)),
        h("pre", { class: "json" }, JSON.stringify(body, null, 2))));
    } catch (e) {
      out.push(h("p", { class: "problem", role: "alert" }, e.message));
    }
  }
  return out;
};

// ------------------------------------------------------------------ sign-in

async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    // The key is checked on the lightest admin read; the first view then renders once (setting
    // the hash with replaceState fires no hashchange, which would render a second time).
    await api("GET", "/v1/admin/tiers");
    $("api-key").value = "";
    if (!location.hash) history.replaceState(null, "", "#/overview");
    await render();
    $("main").focus();
  } catch (e) {
    sessionStorage.removeItem(KEY);
    say("Sign-in failed: " + e.message, true);
    render();
  }
}

function signOut(reason) {
  sessionStorage.removeItem(KEY);
  if (reason) say(reason, true);
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("api-key").value.trim();
    if (key) signIn(key);
  });
  $("sign-out").addEventListener("click", () => signOut());
  window.addEventListener("hashchange", render);
  render();
});
