// Donor form: fill a blank prefecture and city as soon as a postal code is typed. Only a shortcut:
// saving the form fills them on the server too, so the form works without this script.
(function () {
  "use strict";
  function setup() {
    var code = document.getElementById("id_postal_code");
    var prefecture = document.getElementById("id_prefecture");
    var city = document.getElementById("id_city");
    if (!code || !prefecture || !city) return;
    code.addEventListener("change", function () {
      var digits = code.value.normalize("NFKC").replace(/[^0-9]/g, "");
      if (digits.length !== 7 || (prefecture.value && city.value)) return;
      fetch("/admin/crm/postal-code/?code=" + digits, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !data.found) return;
          if (!prefecture.value) prefecture.value = data.prefecture;
          if (!city.value) city.value = data.city;
        });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
