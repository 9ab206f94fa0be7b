// The live meeting room. The server pushes two kinds of event:
//   minutes: the whole minutes (HTML the engine escaped) whenever a line is logged; we swap in
//            their <body>, through DOMParser, which never runs scripts;
//   room:    JSON of what Zakim knows (agenda, floor, queue, attendance, questions); drawn
//            here with textContent only, so no user string is ever read as markup.
(function () {
  "use strict";
  const byId = (id) => document.getElementById(id);
  const status = byId("live-status");
  const minutes = byId("live-minutes");
  let offset = 0; // server clock minus ours, in ms
  let lastRoom = null;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function clock(ms) {
    const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
    const text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    return ms < 0 ? "−" + text : text;
  }

  // A timer: counts down to `ends` when there is one, else up from `since`.
  function timer(since, ends, label) {
    const span = el("span", "", "timer");
    if (ends) span.dataset.ends = ends;
    else if (since) span.dataset.since = since;
    else return null;
    span.setAttribute("aria-label", label);
    tickOne(span);
    return span;
  }

  function tickOne(span) {
    const now = Date.now() + offset;
    if (span.dataset.ends) {
      const left = Date.parse(span.dataset.ends) - now;
      span.textContent = clock(left) + (left < 0 ? " over" : " left");
      span.classList.toggle("over", left < 0);
    } else if (span.dataset.since) {
      span.textContent = clock(now - Date.parse(span.dataset.since));
    }
  }

  function fill(list, empty, items, draw) {
    list.replaceChildren(...items.map(draw));
    empty.hidden = items.length > 0;
  }

  function drawFloor(room) {
    const box = byId("floor");
    if (!room.floor) {
      box.replaceChildren(el("p", "Nobody has the floor.", "empty"));
      return;
    }
    const p = el("p", "", "floor");
    p.append(el("span", "Has the floor: ", "muted"), el("span", room.floor.name, "speaker"));
    const t = timer(room.floor.since, room.floor.ends, "speaker timer");
    if (t) p.append(" ", t);
    box.replaceChildren(p);
  }

  function drawQueue(room) {
    fill(byId("queue"), byId("queue-empty"), room.queue, (entry, i) => {
      const li = el("li");
      li.append(el("span", entry.name, "name"));
      if (i === 0) li.append(" ", el("span", "(next)", "muted"));
      if (entry.note) li.append(" ", el("span", "to " + entry.note, "note"));
      return li;
    });
    byId("queue-empty").textContent = room.queue_closed
      ? "The queue is closed." : "The queue is empty.";
    if (room.queue_closed) byId("queue-empty").hidden = false;
  }

  const STATES = { open: "to do", closed: "done", skipped: "skipped" };

  function drawAgenda(room) {
    const open = room.agenda.open;
    const box = byId("open-item");
    if (open) {
      const p = el("p", "", "floor");
      p.append(el("span", "Now: ", "muted"), el("span", open.number + ". " + open.text));
      const t = timer(open.since, open.ends, "agendum timer");
      if (t) p.append(" ", t);
      box.replaceChildren(p);
    } else {
      box.replaceChildren();
    }
    fill(byId("agenda"), byId("agenda-empty"), room.agenda.items, (item) => {
      const li = el("li", "", item.current ? "open" : item.status);
      li.value = item.number;
      li.append(el("span", item.text, "text"), " ",
        el("span", "(" + (item.current ? "open now" : STATES[item.status] || item.status) + ")",
          "state"));
      if (item.current) li.setAttribute("aria-current", "step");
      return li;
    });
  }

  function drawPeople(room) {
    fill(byId("present"), byId("present-empty"), room.present, (name) => el("li", name));
    byId("regrets").replaceChildren(...room.regrets.map((name) => el("li", name)));
    byId("regrets-h").hidden = room.regrets.length === 0;
  }

  function drawQuestions(room) {
    fill(byId("questions"), byId("questions-empty"), room.questions, (q) => {
      const li = el("li");
      li.value = q.number;
      li.append(el("span", q.text, "text"));
      if (q.supporters.length) {
        li.append(" ", el("span", "(" + q.supporters.join(", ") + ")", "note"));
      }
      return li;
    });
  }

  function drawRoom(room) {
    offset = Date.parse(room.now) - Date.now();
    lastRoom = room;
    byId("room-title").textContent = room.title ? room.title : "Live: " + room.channel;
    drawFloor(room);
    drawQueue(room);
    drawAgenda(room);
    drawPeople(room);
    drawQuestions(room);
    status.dataset.room = String(room.version);
  }

  // The minutes' own <main> would nest a landmark inside the room's.
  function demote(root) {
    for (const old of root.querySelectorAll("main")) {
      const div = el("div", null, old.className);
      if (old.id) div.id = old.id;
      div.append(...old.childNodes);
      old.replaceWith(div);
    }
    return root;
  }

  const source = new EventSource(document.body.dataset.stream);
  source.addEventListener("minutes", function (event) {
    const page = new DOMParser().parseFromString(JSON.parse(event.data), "text/html");
    const body = demote(page.body);
    minutes.replaceChildren(...Array.from(body.childNodes).map((n) => document.importNode(n, true)));
    status.dataset.updated = String(Date.now());
  });
  source.addEventListener("room", function (event) {
    drawRoom(JSON.parse(event.data));
    status.dataset.updated = String(Date.now());
  });
  source.onopen = function () {
    status.dataset.state = "live";
    status.firstChild.textContent = "Live: updated as the meeting goes on. ";
  };
  source.onerror = function () {
    status.dataset.error = "1";
    status.dataset.state = "error";
    status.firstChild.textContent = "Connection lost; reconnecting… ";
  };
  setInterval(function () {
    if (lastRoom) document.querySelectorAll(".timer").forEach(tickOne);
  }, 1000);
})();
