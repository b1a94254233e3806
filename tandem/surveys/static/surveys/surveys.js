// Progressive enhancement for the answer page: hide a conditional question until the answer
// it depends on matches. The server evaluates the same conditions on submit, so nothing
// depends on this script.
(function () {
  "use strict";
  function answerOf(form, key) {
    var inputs = form.querySelectorAll('[name="q-' + key + '"]');
    var values = [];
    inputs.forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "") {
        values.push(el.value);
      }
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-condition-question]").forEach(function (field) {
      var wanted = JSON.parse(field.getAttribute("data-condition-values") || "[]");
      var given = answerOf(form, field.getAttribute("data-condition-question"));
      field.hidden = !given.some(function (v) { return wanted.indexOf(v) !== -1; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.survey-form").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
