// Keeps the extraction status on a publication's change form current while the worker runs,
// so staff see it become done without reloading the page, and with it the read-only fields
// extraction writes (the page count): the JSON's `fields` names them, as .field-<name> rows.
(function () {
  "use strict";
  const POLL_MS = 2000;

  function poll(element) {
    const url = element.dataset.pollUrl;
    if (!url) return;
    const cls = element.className;
    if (!/extraction-(pending|running)/.test(cls)) return;
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          const holder = document.createElement("div");
          holder.innerHTML = data.html;
          const fresh = holder.firstElementChild;
          fresh.dataset.pollUrl = url;
          element.replaceWith(fresh);
          updateFields(data.fields || {});
          poll(fresh);
        })
        .catch(function () { poll(element); });
    }, POLL_MS);
  }

  function updateFields(fields) {
    Object.keys(fields).forEach(function (name) {
      document.querySelectorAll(".field-" + name + " .readonly").forEach(function (cell) {
        cell.textContent = fields[name];
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".extraction[data-poll-url]").forEach(poll);
  });
})();
