"use strict";
// The dashboard's pages: no framework, nothing fetched but this node's own /api.

// The token that approves and denies: given once in the URL's fragment (#token=...), which the
// browser never sends to a server, and kept for this tab only.
const token = (() => {
  const m = location.hash.match(/token=([0-9a-f]+)/);
  if (m) {
    sessionStorage.setItem("cyberia-token", m[1]);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("cyberia-token");
})();

async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "—" : String(text);
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

// --- all agents -------------------------------------------------------------------------

let agents = [];
let sortKey = "name";
let sortUp = true;

function value(a, key) {
  if (key === "balance") return a.balance ? Number(a.balance.amount) : -Infinity;
  const v = a[key];
  return v == null ? "" : v;
}

function renderAgents() {
  const filter = document.getElementById("filter").value.trim().toLowerCase();
  const numeric = document.querySelector(`th[data-key="${sortKey}"]`).hasAttribute("data-num");
  const rows = agents
    .filter(a => !filter || [a.name, a.tier, a.mode, a.state].join(" ").toLowerCase().includes(filter))
    .sort((x, y) => {
      let a = value(x, sortKey), b = value(y, sortKey);
      if (numeric) { a = Number(a) || 0; b = Number(b) || 0; }
      const c = a < b ? -1 : a > b ? 1 : 0;
      return sortUp ? c : -c;
    });
  const body = document.querySelector("#agents tbody");
  body.replaceChildren();
  for (const a of rows) {
    const tr = document.createElement("tr");
    const name = cell(tr, "");
    const link = document.createElement("a");
    link.href = "/agent?name=" + encodeURIComponent(a.name);
    link.textContent = a.name;
    name.appendChild(link);
    cell(tr, a.tier); cell(tr, a.mode); cell(tr, a.state);
    cell(tr, a.balance ? a.balance.amount + " " + a.balance.asset : null);
    cell(tr, a.runwayDays);
    cell(tr, a.netToday, a.netToday && a.netToday.startsWith("-") ? "bad" : "good");
    cell(tr, a.lastAction);
    body.appendChild(tr);
  }
  document.querySelectorAll("th[data-key]").forEach(th => {
    th.classList.toggle("sorted", th.dataset.key === sortKey);
    th.classList.toggle("up", th.dataset.key === sortKey && sortUp);
  });
}

async function loadAgents() {
  agents = (await getJson("/api/agents")).agents;
  renderAgents();
}

async function decide(id, decision) {
  const r = await fetch(`/api/approvals/${id}/${decision}`, {
    method: "POST",
    headers: { "X-Cyberia-Token": token || "" },
  });
  const answer = await r.json();
  document.getElementById("token-state").textContent = r.ok
    ? `payment #${id}: ${answer.state}`
    : `payment #${id}: ${answer.error}`;
  await loadApprovals();
}

async function loadApprovals() {
  document.getElementById("token-state").textContent ||= token
    ? "You can approve and deny from this tab."
    : "Read-only: open the URL the node printed (with #token=...) to approve and deny.";
  const body = document.querySelector("#approvals tbody");
  body.replaceChildren();
  for (const p of (await getJson("/api/approvals")).waiting) {
    const tr = document.createElement("tr");
    tr.dataset.payment = p.id;
    cell(tr, "#" + p.id); cell(tr, p.agent); cell(tr, p.to); cell(tr, p.amount); cell(tr, p.purpose);
    const actions = cell(tr, "");
    for (const decision of ["approve", "deny"]) {
      const b = document.createElement("button");
      b.textContent = decision;
      b.className = decision;
      b.disabled = !token;
      b.addEventListener("click", () => decide(p.id, decision));
      actions.appendChild(b);
    }
    body.appendChild(tr);
  }
}

async function loadMarket() {
  const m = await getJson("/api/market");
  document.getElementById("market-note").textContent = m.note || "";
  const body = document.querySelector("#market tbody");
  body.replaceChildren();
  for (const o of m.offers) {
    const tr = document.createElement("tr");
    cell(tr, o.kind); cell(tr, o.name); cell(tr, o.priceBaseUnits); cell(tr, o.seller);
    body.appendChild(tr);
  }
}

function agentsPage() {
  document.getElementById("filter").addEventListener("input", renderAgents);
  document.querySelectorAll("th[data-key]").forEach(th => th.addEventListener("click", () => {
    sortUp = sortKey === th.dataset.key ? !sortUp : true;
    sortKey = th.dataset.key;
    renderAgents();
  }));
  const refresh = () => Promise.all([loadAgents(), loadApprovals(), loadMarket()]).catch(e => console.warn(e));
  refresh();
  setInterval(refresh, 5000);
}

// --- one agent --------------------------------------------------------------------------

// what the charts were drawn from, for anyone who wants to check them (the browser tests do)
window.cyberiaCharts = {};

function chart(id, title, series, data) {
  const el = document.getElementById(id);
  el.replaceChildren();
  window.cyberiaCharts[id] = data;
  if (data[0].length === 0) {
    el.textContent = "nothing yet";
    return;
  }
  // a lone point gets ten minutes around it, not years
  const x = { time: true, range: (u, min, max) => (min === max ? [min - 300, max + 300] : [min, max]) };
  new uPlot({ title, width: Math.max(400, el.clientWidth || 800), height: 240, series, scales: { x } }, data, el);
}

function describe(e) {
  const money = m => m ? `${m.amount} ${m.asset}` : "";
  switch (e.type) {
    case "TickStarted": return `tick ${e.tick} started, balance ${money(e.balance)}`;
    case "TickFinished": return `tick ${e.tick} finished: ${e.outcome}`;
    case "ToolCalled": return `called ${e.tool} ${e.arguments}`;
    case "ToolResult": return `${e.tool}: ${e.outcome}`;
    case "PaymentSent": return `paid ${money(e.amount)} to ${e.to} (${e.state})`;
    case "PaymentReceived": return `received ${money(e.amount)} from ${e.from}`;
    default: return e.type;
  }
}

function showEvent(e) {
  const list = document.getElementById("events");
  const li = document.createElement("li");
  li.dataset.seq = e.seq;
  li.dataset.type = e.type;
  li.textContent = `${e.at} ${describe(e)}`;
  list.prepend(li);
  while (list.children.length > 300) list.lastChild.remove();
}

async function agentPage() {
  const name = new URLSearchParams(location.search).get("name");
  const a = await getJson("/api/agents/" + encodeURIComponent(name));
  document.title = "Cyberia — " + a.name;
  document.getElementById("name").textContent = a.name;
  document.getElementById("summary").textContent = `${a.tier}, ${a.mode}, ${a.state} — ${a.address}`;
  const chain = document.getElementById("chain");
  chain.textContent = a.chainIntact
    ? "Hash chain intact: every event links to the one before."
    : `Hash chain broken at event ${a.chainBrokenAt}.`;
  chain.className = a.chainIntact ? "good" : "bad";
  chart("balance-chart", `balance (${a.asset || ""})`, [{}, { label: "balance", stroke: "#14213d" }],
    [a.balance.map(p => p.at), a.balance.map(p => Number(p.amount))]);
  chart("flows-chart", "by hour", [{}, { label: "earned", stroke: "#2e7d32" }, { label: "spent", stroke: "#b00020" }],
    [a.byHour.map(h => h.at), a.byHour.map(h => Number(h.earned)), a.byHour.map(h => Number(h.spent))]);
  const toward = document.getElementById("ladder-toward");
  const rules = document.getElementById("ladder");
  if (a.ladder) {
    toward.textContent = `${a.ladder.toward}: ${a.ladder.ready ? "every rule met" : "not yet"}`;
    for (const c of a.ladder.conditions) {
      const li = document.createElement("li");
      li.textContent = c;
      rules.appendChild(li);
    }
  } else {
    toward.textContent = "at the top of its ladder, or not loaded on this node";
  }
  const goals = document.querySelector("#goals tbody");
  for (const g of a.goals || []) {
    const tr = document.createElement("tr");
    cell(tr, g.goal);
    cell(tr, g.net, g.net.startsWith("-") ? "bad" : "good");
    cell(tr, g.stopLoss ? "-" + g.stopLoss : null);
    cell(tr, g.stopped ? "stopped by its stop-loss" : "open");
    goals.appendChild(tr);
  }
  const stop = document.getElementById("stop");
  stop.disabled = !token || a.state !== "RUNNING";
  stop.addEventListener("click", async () => {
    const r = await fetch(`/api/agents/${encodeURIComponent(a.name)}/stop`, {
      method: "POST",
      headers: { "X-Cyberia-Token": token || "" },
    });
    const answer = await r.json();
    document.getElementById("stop-state").textContent = r.ok ? "stopped" : answer.error;
    stop.disabled = r.ok;
  });
  const paid = document.querySelector("#payments tbody");
  for (const p of a.payments || []) {
    const tr = document.createElement("tr");
    tr.dataset.payment = p.id;
    cell(tr, "#" + p.id); cell(tr, p.at); cell(tr, p.to); cell(tr, p.amount); cell(tr, p.purpose);
    cell(tr, p.state, p.state === "FAILED" || p.state === "DENIED" ? "bad" : null);
    cell(tr, p.resource);
    paid.appendChild(tr);
  }
  const body = document.querySelector("#ledger tbody");
  for (const e of a.ledger.slice().reverse()) {
    const tr = document.createElement("tr");
    cell(tr, e.at); cell(tr, e.account); cell(tr, e.amount); cell(tr, e.asset); cell(tr, e.memo);
    body.appendChild(tr);
  }
  const seen = new Set();
  const source = new EventSource("/api/agents/" + encodeURIComponent(name) + "/events");
  source.onmessage = m => {
    const e = JSON.parse(m.data);
    if (!seen.has(e.seq)) { seen.add(e.seq); showEvent(e); }
  };
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "agents") agentsPage();
  if (page === "agent") agentPage().catch(e => console.warn(e));
});
