// The dashboard reads the node's own HTTP API every two seconds and draws what it finds.
"use strict";

const history = [];
const historyLength = 60;
let previous = null;

function text(id, value) {
  document.getElementById(id).textContent = value ?? "–";
}

function rows(tableId, list, cells) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(...list.map(entry => {
    const tr = document.createElement("tr");
    for (const value of cells(entry)) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.appendChild(td);
    }
    return tr;
  }));
}

async function json(path) {
  const response = await fetch(path, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok && path !== "health") {
    throw new Error(`${path}: ${body.error ?? response.status}`);
  }
  return body;
}

function drawTraffic() {
  const canvas = document.getElementById("traffic");
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const top = Math.max(1, ...history.map(p => Math.max(p.sent, p.received)));
  const x = i => (i / (historyLength - 1)) * (canvas.width - 10) + 5;
  const y = v => canvas.height - 5 - (v / top) * (canvas.height - 20);
  for (const [key, colour] of [["sent", "#2b6cb0"], ["received", "#1f8a4c"]]) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    history.forEach((p, i) => (i === 0 ? g.moveTo(x(i), y(p[key])) : g.lineTo(x(i), y(p[key]))));
    g.stroke();
  }
  g.fillStyle = "#68717a";
  g.font = "11px sans-serif";
  g.fillText(`max ${top.toFixed(1)}/s  (blue: sent, green: responses)`, 8, 12);
}

async function refresh() {
  try {
    const [status, routing, stats, health] = await Promise.all([json("status"), json("routing"), json("stats"), json("health")]);
    text("role", status.role);
    text("node-id", status.id ?? `${status.tableId} (ephemeral)`);
    text("address", status.address);
    text("public-address", status.publicAddress);
    text("uptime", `${status.uptimeSeconds} s`);
    text("table-size", String(status.routingTableSize));
    text("firewalled", String(status.firewalled));
    const badge = document.getElementById("health");
    badge.dataset.status = health.status;
    badge.textContent = `health: ${health.status}`;

    rows("routing", routing.rows.flatMap(row => row.nodes.map(n => ({ row: row.row, ...n }))),
      n => [n.row, n.id.slice(0, 16) + "…", n.address, n.ageSeconds]);

    const counters = [["requests.total", stats.requests.total], ["requests.responses", stats.requests.responses],
      ["requests.timeouts", stats.requests.timeouts], ["requests.retries", stats.requests.retries],
      ["queries.total", stats.queries.total], ...Object.entries(stats.counters).filter(([k, v]) => v !== 0 && !k.startsWith("requests."))];
    if (stats.storage) {
      counters.push(...Object.entries(stats.storage).map(([k, v]) => [`storage.${k}`, v]));
    }
    rows("counters", counters, ([name, value]) => [name, value]);

    const now = performance.now();
    if (previous) {
      const seconds = (now - previous.at) / 1000;
      history.push({
        sent: (stats.requests.total - previous.sent) / seconds,
        received: (stats.requests.responses - previous.received) / seconds,
      });
      if (history.length > historyLength) {
        history.shift();
      }
    }
    previous = { at: now, sent: stats.requests.total, received: stats.requests.responses };
    drawTraffic();

    if (status.storage) {
      const items = await json("warehouse/items?limit=50");
      text("items-total", `(${items.total} warehouse items, ${status.storage.contentItems} content records, ${status.storage.bytes} bytes)`);
      rows("items", items.items, i => [i.key.slice(0, 16) + "…", i.size, i.storedBy, i.accessCount, i.signed ? "yes" : "no"]);
    } else {
      text("items-total", "(this node serves no storage)");
    }

    text("updated", new Date().toLocaleTimeString());
    text("error", "");
  } catch (e) {
    text("error", String(e.message ?? e));
  }
}

refresh();
setInterval(refresh, 2000);
