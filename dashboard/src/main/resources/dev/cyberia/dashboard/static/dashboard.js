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
  table("#market", m.offers, (tr, o) => {
    cell(tr, o.kind); cell(tr, o.name); cell(tr, o.priceBaseUnits); cell(tr, o.seller);
  });
  table("#miners", m.miners, (tr, x) => {
    cell(tr, x.endpoint); cell(tr, x.model); cell(tr, x.priceBaseUnits); cell(tr, x.answers); cell(tr, x.tokens);
    cell(tr, x.paid ? `${x.paid} ${x.asset}` : null);
  });
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

const plots = {};

function chart(id, title, series, data) {
  const el = document.getElementById(id);
  if (plots[id]) { plots[id].destroy(); delete plots[id]; }
  el.replaceChildren();
  window.cyberiaCharts[id] = data;
  if (data[0].length === 0) {
    el.textContent = "nothing yet";
    return;
  }
  // a lone point gets ten minutes around it, not years
  const first = data[0][0], last = data[0][data[0].length - 1];
  const x = first === last ? { time: true, auto: false, range: [first - 300, last + 300] } : { time: true };
  const scales = { x };
  const axes = [{}, {}];
  if (series.some(s => s.scale === "held")) {
    scales.held = { auto: true };
    axes.push({ scale: "held", side: 1, grid: { show: false } });
  }
  const options = { title, width: Math.max(400, el.clientWidth || 800), height: 240, series, scales, axes };
  plots[id] = new uPlot(options, data, el);
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

function table(selector, rows, fill) {
  const body = document.querySelector(selector + " tbody");
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement("tr");
    fill(tr, r);
    body.appendChild(tr);
  }
}

// the books by hour or by day: the token's income, spend and holdings; gas and ether held
let period = "hour";

function drawBooks(a) {
  const books = (a.books || {})[period] || {};
  const symbols = Object.keys(books);
  const token = symbols.find(s => s !== "ETH") || a.asset;
  const t = books[token] || [];
  const eth = books.ETH || [];
  const span = period === "hour" ? "by hour, last 2 days" : "by day, last 30 days";
  chart("flows-chart", `${token || ""} ${span}`,
    [{}, { label: "income", stroke: "#2e7d32" }, { label: "spent", stroke: "#b00020" },
      { label: "held", stroke: "#14213d", scale: "held" }],
    [t.map(p => p.at), t.map(p => Number(p.income)), t.map(p => Number(p.spent)), t.map(p => Number(p.held))]);
  chart("gas-chart", `gas in ETH, ${span}`,
    [{}, { label: "gas", stroke: "#b26a00" }, { label: "ETH held", stroke: "#14213d", scale: "held" }],
    [eth.map(p => p.at), eth.map(p => Number(p.spent)), eth.map(p => Number(p.held))]);
}

function renderAgent(a) {
  document.title = "Cyberia — " + a.name;
  document.getElementById("name").textContent = a.name;
  document.getElementById("summary").textContent = `${a.tier}, ${a.mode}, ${a.state} — ${a.address}`;
  const chain = document.getElementById("chain");
  chain.textContent = a.chainIntact
    ? "Hash chain intact: every event links to the one before."
    : `Hash chain broken at event ${a.chainBrokenAt}.`;
  chain.className = a.chainIntact ? "good" : "bad";
  chart("balance-chart", `balance (${a.asset || ""}) at each tick`, [{}, { label: "balance", stroke: "#14213d" }],
    [a.balance.map(p => p.at), a.balance.map(p => Number(p.amount))]);
  drawBooks(a);
  const toward = document.getElementById("ladder-toward");
  const rules = document.getElementById("ladder");
  rules.replaceChildren();
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
  table("#tiers", (a.tiers || []).slice().reverse(), (tr, c) => {
    cell(tr, c.at); cell(tr, `${c.from} → ${c.to}`); cell(tr, c.rule); cell(tr, c.figures);
  });
  table("#goals", a.goals || [], (tr, g) => {
    cell(tr, g.goal);
    cell(tr, g.net, g.net.startsWith("-") ? "bad" : "good");
    cell(tr, g.stopLoss ? "-" + g.stopLoss : null);
    cell(tr, g.stopped ? "stopped by its stop-loss" : "open");
  });
  document.getElementById("stop").disabled = !token || a.state !== "RUNNING";
  table("#payments", a.payments || [], (tr, p) => {
    tr.dataset.payment = p.id;
    cell(tr, "#" + p.id); cell(tr, p.at); cell(tr, p.to); cell(tr, p.amount); cell(tr, p.purpose);
    cell(tr, p.state, p.state === "FAILED" || p.state === "DENIED" ? "bad" : null);
    cell(tr, p.resource);
  });
  table("#ledger", a.ledger.slice().reverse(), (tr, e) => {
    cell(tr, e.at); cell(tr, e.account); cell(tr, e.amount); cell(tr, e.asset); cell(tr, e.memo);
  });
}

async function agentPage() {
  const name = new URLSearchParams(location.search).get("name");
  const path = "/api/agents/" + encodeURIComponent(name);
  let a = await getJson(path);
  renderAgent(a);
  document.querySelectorAll("input[name=period]").forEach(r => r.addEventListener("change", () => {
    period = r.value;
    drawBooks(a);
  }));
  const stop = document.getElementById("stop");
  stop.addEventListener("click", async () => {
    const r = await fetch(`${path}/stop`, { method: "POST", headers: { "X-Cyberia-Token": token || "" } });
    const answer = await r.json();
    document.getElementById("stop-state").textContent = r.ok ? "stopped" : answer.error;
    stop.disabled = r.ok;
  });
  // the actions as they happen; the figures and charts again every ten seconds
  const seen = new Set();
  const source = new EventSource(path + "/events");
  source.onmessage = m => {
    const e = JSON.parse(m.data);
    if (!seen.has(e.seq)) { seen.add(e.seq); showEvent(e); }
  };
  setInterval(async () => {
    try {
      a = await getJson(path);
      renderAgent(a);
    } catch (e) {
      console.warn(e);
    }
  }, 10000);
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "agents") agentsPage();
  if (page === "agent") agentPage().catch(e => console.warn(e));
});
