/* Inline editing of the improvement plan: status, owner, due date, effort and note are
 * saved as they change, and the arrows reorder the plan, without reloading the page.
 *
 * Each form is the plain one the page has without this script (CSRF token included);
 * it is posted with fetch and "Accept: application/json", so the server answers with
 * the item and the plan's order instead of a redirect. Every item shows "Saving…",
 * "Saved" or why it was not saved. Without this script the forms post and reload.
 */
(function () {
  "use strict";

  var section = document.querySelector("section[data-plan]");
  if (!section || !window.fetch || !window.FormData) {
    return;
  }

  function detailOf(data, status) {
    var d = data && data.detail;
    if (typeof d === "string" && d) {
      return d;
    }
    if (d && d.length && d[0].msg) {
      return d[0].msg;
    }
    return "the server answered " + status;
  }

  function show(item, text, kind) {
    var box = item && item.querySelector("[data-plan-state]");
    if (!box) {
      return;
    }
    box.textContent = text;
    box.className = "plan-saved small" + (kind ? " " + kind : "");
  }

  function post(form, extra) {
    var body = new FormData(form);
    if (extra) {
      body.append(extra[0], extra[1]);
    }
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          if (!response.ok) {
            throw new Error(detailOf(data, response.status));
          }
          return data;
        });
    });
  }

  function updateCounts(counts) {
    var pills = section.querySelectorAll("[data-count]");
    for (var i = 0; i < pills.length; i++) {
      var n = counts[pills[i].getAttribute("data-count")] || 0;
      pills[i].textContent = pills[i].getAttribute("data-label") + " " + n;
      pills[i].classList.toggle("zero", !n);
    }
  }

  function updateItem(li, item) {
    li.className = li.className.replace(/\bs-[a-z-]+/, "s-" + item.status);
    var pill = li.querySelector(".plan-status");
    if (pill) {
      pill.textContent = item.status_label;
      pill.className = "pill plan-status status-" + item.status;
    }
    var effort = li.querySelector("[data-effort-label]");
    if (effort) {
      effort.textContent = item.effort ? "Effort " + item.effort : "Effort not set";
      effort.classList.toggle("zero", !item.effort);
    }
    var focus = section.querySelector('[data-focus="' + item.key + '"]');
    if (focus) {
      focus.classList.toggle("plan-focus-closed", item.status === "done" || item.status === "accepted-risk");
    }
  }

  // Put the items of every list in the server's order and renumber them; the arrows at
  // the ends of each list (the folded one too) are disabled as the page draws them.
  function applyOrder(order) {
    var place = {};
    for (var i = 0; i < order.length; i++) {
      place[order[i]] = i;
    }
    var lists = section.querySelectorAll("[data-plan-list]");
    for (var l = 0; l < lists.length; l++) {
      var items = Array.prototype.slice.call(lists[l].children);
      items.sort(function (x, y) {
        return place[x.getAttribute("data-key")] - place[y.getAttribute("data-key")];
      });
      for (var k = 0; k < items.length; k++) {
        lists[l].appendChild(items[k]);
        var rank = items[k].querySelector(".plan-rank");
        if (rank) {
          rank.textContent = String(place[items[k].getAttribute("data-key")] + 1);
        }
        var up = items[k].querySelector("button[value=up]");
        var down = items[k].querySelector("button[value=down]");
        if (up) {
          up.disabled = k === 0;
        }
        if (down) {
          down.disabled = k === items.length - 1;
        }
      }
    }
  }

  function SaveForm(form) {
    this.form = form;
    this.item = form.closest(".plan-item");
    this.busy = false;
    this.again = false;
    var self = this;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.save();
    });
    // selects and dates save at once; text fields when they lose focus after a change
    form.addEventListener("change", function () {
      self.save();
    });
  }

  SaveForm.prototype.save = function () {
    var self = this;
    if (self.busy) {
      self.again = true;
      return;
    }
    self.busy = true;
    show(self.item, "Saving…", "saving");
    post(self.form)
      .then(function (data) {
        updateItem(self.item, data.item);
        updateCounts(data.counts);
        show(self.item, "Saved", "ok");
      })
      .catch(function (error) {
        show(self.item, "Not saved: " + error.message, "error");
      })
      .then(function () {
        self.busy = false;
        if (self.again) {
          self.again = false;
          self.save();
        }
      });
  };

  function MoveForm(form) {
    var item = form.closest(".plan-item");
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter || form.querySelector("button:focus");
      if (!button || busy) {
        return;
      }
      busy = true;
      show(item, "Moving…", "saving");
      post(form, ["direction", button.value])
        .then(function (data) {
          applyOrder(data.order);
          show(item, "Moved", "ok");
          var name = section.querySelector("[data-plan-order-name]");
          if (name && data.manual_order) {
            name.textContent = "manual";
          }
          var rule = section.querySelector(".plan-rule");
          if (rule && data.manual_order && !rule.querySelector(".plan-manual-mark")) {
            var mark = document.createElement("strong");
            mark.className = "plan-manual-mark";
            mark.textContent = "reordered by hand";
            rule.appendChild(document.createTextNode(" Now "));
            rule.appendChild(mark);
            rule.appendChild(document.createTextNode("."));
          }
          // keep the keyboard where it was: on the same arrow, or the other one at an end
          var again = button.disabled ? form.querySelector("button:not([disabled])") : button;
          if (again) {
            again.focus();
          }
          item.scrollIntoView({ block: "nearest" });
        })
        .catch(function (error) {
          show(item, "Not moved: " + error.message, "error");
        })
        .then(function () {
          busy = false;
        });
    });
  }

  var saves = section.querySelectorAll("form[data-plan-save]");
  for (var i = 0; i < saves.length; i++) {
    new SaveForm(saves[i]);
  }
  var moves = section.querySelectorAll("form[data-plan-move]");
  for (var j = 0; j < moves.length; j++) {
    MoveForm(moves[j]);
  }
  section.setAttribute("data-plan-inline", "on");
})();
