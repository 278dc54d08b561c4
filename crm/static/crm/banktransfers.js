// The batch form's donor suggestions: as a fundraiser types a name, kana, romaji, email or number,
// ask the server (the same search the form checks with) and offer the donors in a <datalist>.
// Without JavaScript the form still works: the server finds the donor or names the namesakes.
(function () {
  "use strict";
  const form = document.querySelector("form[data-donor-find-url]");
  if (!form) return;
  const list = document.getElementById("donor-choices");
  const url = form.dataset.donorFindUrl;
  let timer = null;
  let last = "";
  form.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.matches("input[data-donor-find]")) return;
    const query = input.value.trim();
    if (query.length < 2 || query === last || query.startsWith("#")) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      last = query;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren(...data.results.map(function (donor) {
            const option = document.createElement("option");
            option.value = donor.value;
            option.label = donor.label;
            option.textContent = donor.label;
            return option;
          }));
        })
        .catch(function () { /* suggestions are a convenience: typing still works */ });
    }, 200);
  });
})();
