/* The segment builder's rule rows (crm/segments/blocks.py): the operator list narrows to what fits
 * the chosen field, and a choice field's value box offers its choices in the admin's language.
 * The guide comes from the server (a JSON script #segment-field-guide on the form's page); without
 * this script every operator shows and the server says which fit. */
(function () {
  "use strict";

  function partsOf(fieldSelect) {
    var prefix = fieldSelect.id.replace(/-field$/, "");
    return {
      operator: document.getElementById(prefix + "-operator"),
      value: document.getElementById(prefix + "-value"),
      listId: prefix + "-value-choices",
    };
  }

  var FIELD = /-value-field$/;
  var guides = null;

  function guideFor(name) {
    if (guides === null) {
      var source = document.getElementById("segment-field-guide");
      guides = source ? JSON.parse(source.textContent) : {};
    }
    return guides[name];
  }

  function isFieldSelect(element) {
    return element && element.tagName === "SELECT" && FIELD.test(element.id);
  }

  function refresh(fieldSelect) {
    var guide = guideFor(fieldSelect.value);
    var parts = partsOf(fieldSelect);
    if (!guide || !parts.operator) return;
    var firstFitting = null;
    Array.prototype.forEach.call(parts.operator.options, function (option) {
      var fits = option.value === "" || guide.operators.indexOf(option.value) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (fits && option.value && firstFitting === null) firstFitting = option.value;
    });
    if (guide.operators.indexOf(parts.operator.value) === -1 && firstFitting !== null) {
      parts.operator.value = firstFitting;
    }
    if (!parts.value) return;
    var list = document.getElementById(parts.listId);
    if (!guide.values.length) {
      parts.value.removeAttribute("list");
      return;
    }
    if (!list) {
      list = document.createElement("datalist");
      list.id = parts.listId;
      parts.value.insertAdjacentElement("afterend", list);
    }
    list.replaceChildren.apply(
      list,
      guide.values.map(function (pair) {
        var option = document.createElement("option");
        option.value = pair[1];
        return option;
      })
    );
    parts.value.setAttribute("list", parts.listId);
  }

  function refreshAll() {
    document.querySelectorAll("select[id$='-value-field']").forEach(refresh);
  }

  document.addEventListener("change", function (event) {
    if (isFieldSelect(event.target)) refresh(event.target);
  });
  // Rules added with "+" appear after load: refresh when the person reaches any of their inputs.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!target.id || !/-(operator|value)$/.test(target.id)) return;
    var field = document.getElementById(target.id.replace(/-(operator|value)$/, "-field"));
    if (isFieldSelect(field)) refresh(field);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refreshAll);
  else refreshAll();
  // Wagtail draws the StreamField after DOMContentLoaded.
  window.addEventListener("load", refreshAll);

  /* The live count: the unsaved form goes to the count endpoint (crm_segment:count) a moment after
   * each change, and the answer ("123 donors match these rules now.") shows beside the buttons.
   * Answers that come back out of order are dropped: only the latest request may write. */
  var countTimer = null;
  var countRequest = 0;

  function countOutput() {
    return document.querySelector("[data-segment-live-count]");
  }

  function askForCount() {
    var output = countOutput();
    var form = output && output.closest("form");
    if (!form || !output.dataset.url) return;
    var request = ++countRequest;
    output.setAttribute("aria-busy", "true");
    fetch(output.dataset.url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (request !== countRequest || !answer) return;
        output.textContent = answer.text;
        output.dataset.count = answer.count === null ? "" : String(answer.count);
      })
      .catch(function () {})
      .finally(function () {
        if (request === countRequest) output.removeAttribute("aria-busy");
      });
  }

  function countSoon() {
    if (countTimer !== null) window.clearTimeout(countTimer);
    countTimer = window.setTimeout(askForCount, 400);
  }

  ["input", "change"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      var form = event.target.closest && event.target.closest("form");
      if (form && form.contains(countOutput())) countSoon();
    });
  });
  // Adding, removing or moving a rule changes no input value: watch the rows instead.
  window.addEventListener("load", function () {
    var output = countOutput();
    var form = output && output.closest("form");
    if (!form) return;
    new MutationObserver(function (mutations) {
      // Its own answer and the value lists this script adds are not changes to the rules.
      var ruleRows = mutations.some(function (mutation) {
        if (output.contains(mutation.target) || mutation.target.tagName === "DATALIST") return false;
        var nodes = Array.prototype.slice
          .call(mutation.addedNodes)
          .concat(Array.prototype.slice.call(mutation.removedNodes));
        return nodes.some(function (node) {
          return node.nodeName !== "DATALIST";
        });
      });
      if (ruleRows) countSoon();
    }).observe(form, { childList: true, subtree: true });
    askForCount();
  });
})();
