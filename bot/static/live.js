// The live view: the server pushes the whole minutes whenever a line is logged; we swap in
// their <body>. DOMParser never runs scripts, and the minutes are escaped by the engine.
(function () {
  const target = document.getElementById("live-minutes");
  const status = document.getElementById("live-status");
  const source = new EventSource(document.body.dataset.stream);
  source.addEventListener("minutes", function (event) {
    const page = new DOMParser().parseFromString(JSON.parse(event.data), "text/html");
    target.replaceChildren(...Array.from(page.body.childNodes).map((n) => document.importNode(n, true)));
    status.dataset.updated = String(Date.now());
  });
  source.onerror = function () { status.dataset.error = "1"; };
})();
