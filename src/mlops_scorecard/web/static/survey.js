/* Autosave for the survey pages: every answer is saved as it is given.
 *
 * A radio button or a checkbox (a multiple-choice question: "None of these" clears
 * the others) is saved at once; a comment when the field loses focus or after a
 * pause in typing. Each save sends the revision the page last saw, so a second tab
 * cannot overwrite the first: the server answers 409 and the page asks to reload.
 * Saves of one question never overlap (a later change waits for the earlier save).
 * Without this script the page still works: its form saves all answers on "Next".
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var url = form.getAttribute("data-autosave");
  var banner = document.querySelector("[data-conflict-banner]");
  var TYPING_PAUSE_MS = 1200;
  var RETRY_MS = 4000;
  var questions = {};

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

  function updateProgress(answered, total) {
    var box = document.querySelector("[data-progress]");
    if (box && total > 0) {
      var bar = box.querySelector("[role=progressbar]");
      bar.setAttribute("aria-valuenow", String(answered));
      bar.setAttribute("aria-valuetext", answered + " of " + total + " answered");
      bar.querySelector("span").style.width = Math.round((100 * answered) / total) + "%";
      box.querySelector("[data-answered]").textContent = String(answered);
    }
    var here = document.querySelector("[data-dim-answered]");
    if (here) {
      var done = 0;
      var ids = Object.keys(questions);
      for (var i = 0; i < ids.length; i++) {
        if (questions[ids[i]].saved.answer) {
          done += 1;
        }
      }
      here.textContent = done + "/" + ids.length;
    }
  }

  function Question(fieldset) {
    this.el = fieldset;
    this.id = fieldset.getAttribute("data-question");
    this.revision = fieldset.querySelector('input[type="hidden"][name^="revision-"]');
    this.comment = fieldset.querySelector("textarea");
    this.status = fieldset.querySelector("[data-status]");
    this.busy = false;
    this.again = false;
    this.blocked = false;
    this.timer = null;
    this.saved = { answer: this.answer(), comment: this.comment.value.trim() };
  }

  // The answer as the page shows it: "yes" (a scale key), "choices:a,b" (the checked
  // boxes of a multiple-choice question), or null when nothing is chosen.
  Question.prototype.answer = function () {
    var boxes = this.el.querySelectorAll('input[type="checkbox"]:checked');
    if (boxes.length) {
      var ids = [];
      for (var i = 0; i < boxes.length; i++) {
        ids.push(boxes[i].value);
      }
      return "choices:" + ids.join(",");
    }
    var checked = this.el.querySelector('input[type="radio"]:checked');
    return checked ? checked.value : null;
  };

  // "None of these" stands alone, and a box and a radio (not applicable, don't know)
  // exclude each other: the page keeps the answer one the server takes.
  Question.prototype.exclusive = function (input) {
    var others = [];
    if (input.type === "checkbox" && input.checked) {
      var none = input.hasAttribute("data-none");
      var boxes = this.el.querySelectorAll('input[type="checkbox"]');
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i] !== input && (none || boxes[i].hasAttribute("data-none"))) {
          others.push(boxes[i]);
        }
      }
      var radios = this.el.querySelectorAll('input[type="radio"]');
      for (var j = 0; j < radios.length; j++) {
        others.push(radios[j]);
      }
    } else if (input.type === "radio" && input.checked) {
      var all = this.el.querySelectorAll('input[type="checkbox"]');
      for (var k = 0; k < all.length; k++) {
        others.push(all[k]);
      }
    }
    for (var m = 0; m < others.length; m++) {
      others[m].checked = false;
    }
  };

  Question.prototype.show = function (text, kind) {
    this.status.textContent = text;
    this.status.className = "status" + (kind ? " " + kind : "");
  };

  Question.prototype.later = function (ms) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.save();
    }, ms);
  };

  Question.prototype.save = function () {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.blocked) {
      return;
    }
    var answer = this.answer();
    var comment = this.comment.value.trim();
    if (!answer) {
      if (comment) {
        this.show("Not saved: choose an answer to save this comment.", "failed");
      }
      return;
    }
    if (answer === this.saved.answer && comment === this.saved.comment) {
      return;
    }
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.show("Saving\u2026", "");
    var self = this;
    var payload = {
      question_id: this.id,
      comment: comment,
      revision: parseInt(this.revision.value, 10) || 0,
    };
    if (answer.indexOf("choices:") === 0) {
      payload.choices = answer.slice(8).split(",");
    } else {
      payload.answer = answer;
    }
    var body = JSON.stringify(payload);
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body,
      credentials: "omit",
      cache: "no-store",
      keepalive: true,
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (response.ok) {
              self.revision.value = String(data.revision);
              var saved = data.choices ? "choices:" + data.choices.join(",") : data.answer;
              self.saved = { answer: saved, comment: data.comment };
              self.show("Saved", "saved");
              updateProgress(data.answered, data.total);
            } else if (response.status >= 500 || response.status === 429) {
              self.show("Not saved: " + detailOf(data, response.status) + ". Trying again\u2026", "failed");
              self.later(RETRY_MS);
            } else {
              self.show("Not saved: " + detailOf(data, response.status), "failed");
              if (response.status === 409) {
                self.blocked = true;
                if (banner) {
                  banner.hidden = false;
                }
              }
            }
          });
      })
      .catch(function () {
        self.show("Not saved: no connection to the server. Trying again\u2026", "failed");
        self.later(RETRY_MS);
      })
      .then(function () {
        self.busy = false;
        if (self.again) {
          self.again = false;
          self.save();
        }
      });
  };

  var fieldsets = form.querySelectorAll("fieldset[data-question]");
  for (var i = 0; i < fieldsets.length; i++) {
    var q = new Question(fieldsets[i]);
    questions[q.id] = q;
  }

  function questionOf(target) {
    var fs = target && target.closest ? target.closest("fieldset[data-question]") : null;
    return fs ? questions[fs.getAttribute("data-question")] : null;
  }

  form.addEventListener("change", function (event) {
    var q = questionOf(event.target);
    if (q) {
      q.exclusive(event.target);
      q.save();
    }
  });
  form.addEventListener("input", function (event) {
    var q = questionOf(event.target);
    if (q && event.target.tagName === "TEXTAREA") {
      q.later(TYPING_PAUSE_MS);
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") {
      return;
    }
    var ids = Object.keys(questions);
    for (var j = 0; j < ids.length; j++) {
      if (questions[ids[j]].timer) {
        questions[ids[j]].save();
      }
    }
  });
  var reload = document.querySelector("[data-reload]");
  if (reload) {
    reload.addEventListener("click", function () {
      window.location.reload();
    });
  }
})();
