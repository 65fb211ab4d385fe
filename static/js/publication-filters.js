// Publication list filters: author search-as-you-type, clean query strings, and a folded filter
// panel on small screens. The form works without this file; it only makes it nicer.
(function () {
  "use strict";

  var form = document.querySelector(".filter-form");
  var input = document.getElementById("author-search");
  var datalist = document.getElementById("author-suggestions");
  if (!form || !input || !datalist) {
    return;
  }

  var slugsByName = {};
  var timer = null;
  var lastQuery = "";

  function showSuggestions(authors) {
    datalist.replaceChildren();
    authors.forEach(function (author) {
      var option = document.createElement("option");
      option.value = author.name;
      datalist.appendChild(option);
      slugsByName[author.name.toLowerCase()] = author.slug;
    });
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query.length < 2 || query === lastQuery) {
      return;
    }
    lastQuery = query;
    var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(showSuggestions)
      .catch(function () { /* suggestions are a convenience; typing a name still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 200);
  });

  form.addEventListener("submit", function () {
    // Send the author's slug rather than the name typed, so the address is the stable one.
    var slug = slugsByName[input.value.trim().toLowerCase()];
    if (slug) {
      input.value = slug;
    }
    // Leave empty fields out of the query string.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.type !== "checkbox") {
        field.disabled = true;
      }
    });
  });

  // Restore fields disabled above when the page comes back from the back/forward cache.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
  });

  var panel = document.querySelector("details.filters");
  var narrow = window.matchMedia("(max-width: 50em)");
  if (panel && narrow.matches && panel.dataset.active === "0") {
    panel.open = false;
  }
})();
