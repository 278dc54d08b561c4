// Story-title suggestions for the search box. Progressive enhancement: without this script the
// form is a plain GET form and works the same, minus the suggestions.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var input = document.querySelector("input[data-autocomplete-url]");
    var list = input && document.getElementById(input.getAttribute("list"));
    if (!input || !list || !window.fetch) return;
    var timer = null;
    var latest = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (!query) { list.replaceChildren(); return; }
      timer = setTimeout(function () {
        latest = query;
        var url = input.getAttribute("data-autocomplete-url") + "&query=" + encodeURIComponent(query);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            if (latest !== query) return; // a newer keystroke has already asked
            list.replaceChildren.apply(list, data.suggestions.map(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a nicety; the form still works */ });
      }, 150);
    });
  });
})();
