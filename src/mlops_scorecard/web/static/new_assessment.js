// The new-assessment form shows the targets and context questions of the framework
// selected: choosing another one loads the form for it, keeping unit, title, date and
// question set (without JavaScript the "Use this framework" button does the same).
(function () {
  "use strict";
  var select = document.querySelector("select[data-reload]");
  if (!select) return;
  var button = document.querySelector("[data-reload-button]");
  if (button) button.hidden = true;
  select.addEventListener("change", function () {
    var form = select.form;
    var params = new URLSearchParams();
    var kept = { unit_id: "unit", title: "title", date: "date", question_set: "question_set" };
    Object.keys(kept).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value) params.set(kept[name], field.value);
    });
    params.set("framework", select.value);
    window.location.assign(select.getAttribute("data-reload") + "?" + params.toString());
  });
})();
