/* The Translate control: fetches a stored translation, shows it under the original with the
   engine named, and underlines each slang term as a button that shows its explanation
   (keyboard: Tab to it, Enter/Space to open, Escape to close; touch: tap). */
(function () {
  "use strict";
  if (window.translateControlReady) return;
  window.translateControlReady = true;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  var counter = 0;

  function renderText(container, text, slang, labels) {
    var terms = slang.map(function (s) { return s.term; }).filter(Boolean)
      .sort(function (a, b) { return b.length - a.length; });
    var byTerm = {};
    slang.forEach(function (s) { byTerm[s.term.toLowerCase()] = s; });
    if (!terms.length) { container.textContent = text; return; }
    var pattern = new RegExp("(" + terms.map(escapeRegExp).join("|") + ")", "gi");
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      container.appendChild(document.createTextNode(text.slice(last, match.index)));
      var hit = byTerm[match[0].toLowerCase()];
      var id = "slang-" + (++counter);
      var button = el("button", {type: "button", "class": "slang-term", "aria-expanded": "false",
        "aria-controls": id, title: labels.explain + ": " + hit.meaning}, match[0]);
      var pop = el("span", {id: id, "class": "slang-popover", role: "note"});
      pop.hidden = true;
      pop.appendChild(el("strong", {}, hit.term + " — " + hit.meaning));
      pop.appendChild(document.createTextNode(" " + hit.explanation));
      if (hit.example) {
        pop.appendChild(el("span", {"class": "d-block text-muted"}, labels.example + ": " + hit.example));
      }
      var anchor = el("span", {"class": "slang-anchor"});
      anchor.appendChild(button);
      anchor.appendChild(pop);
      container.appendChild(anchor);
      last = pattern.lastIndex;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function render(control, data) {
    var labels = control.labels, result = control.result;
    result.innerHTML = "";
    if (data.status === "done") {
      result.appendChild(el("p", {"class": "translate-by"}, labels.by + " " + data.engine_label));
      if (data.notice) result.appendChild(el("p", {"class": "translate-notice"}, data.notice));
      var text = el("div", {"class": "translate-text"});
      renderText(text, data.text, data.slang || [], labels);
      result.appendChild(text);
      if (data.slang && data.slang.length) {
        result.appendChild(el("h3", {"class": "h6"}, labels.slang));
        var list = el("dl", {"class": "slang-list"});
        data.slang.forEach(function (s) {
          list.appendChild(el("dt", {lang: ""}, s.term + " — " + s.meaning));
          var dd = el("dd", {}, s.explanation);
          if (s.example) dd.appendChild(el("span", {"class": "d-block slang-example"}, labels.example + ": " + s.example));
          list.appendChild(dd);
        });
        result.appendChild(list);
      }
    } else if (data.status === "pending") {
      result.appendChild(el("p", {}, data.message || labels.working));
      setTimeout(function () { poll(control, data.poll_url); }, 2000);
    } else {
      result.appendChild(el("p", {"class": "translate-failed"}, data.message || labels.failed));
      control.loaded = false; // pressing again asks again (the server keeps the back-off)
    }
  }

  function showFailure(control, message) {
    control.result.innerHTML = "";
    control.result.appendChild(el("p", {"class": "translate-failed"}, message || control.labels.failed));
    control.loaded = false;
  }

  function handle(control, response) {
    return response.json().then(function (data) {
      if (!response.ok) {
        var errors = data.errors || {};
        var first = Object.keys(errors)[0];
        showFailure(control, first ? errors[first][0] : null);
      } else {
        render(control, data);
      }
    });
  }

  function poll(control, url) {
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return handle(control, r); })
      .catch(function () { showFailure(control); });
  }

  function request(control) {
    var node = control.node, body = new FormData();
    body.append("kind", node.dataset.kind);
    body.append("id", node.dataset.id);
    body.append("target", node.dataset.target);
    control.result.innerHTML = "";
    control.result.appendChild(el("p", {}, control.labels.working));
    fetch(node.dataset.url, {method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": node.dataset.csrf, Accept: "application/json"}})
      .then(function (r) { return handle(control, r); })
      .catch(function () { showFailure(control); });
  }

  function setup(node) {
    var button = node.querySelector(".translate-button");
    var control = {node: node, button: button, result: node.querySelector(".translate-result"),
      loaded: false, labels: {
        show: node.dataset.labelShow, hide: node.dataset.labelHide, working: node.dataset.labelWorking,
        by: node.dataset.labelBy, slang: node.dataset.labelSlang, example: node.dataset.labelExample,
        failed: node.dataset.labelFailed, explain: node.dataset.labelExplain}};
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      button.lastChild.textContent = " " + (open ? control.labels.show : control.labels.hide);
      control.result.hidden = open;
      if (!open && !control.loaded) { control.loaded = true; request(control); }
    });
    control.result.addEventListener("click", function (event) {
      var term = event.target.closest(".slang-term");
      if (!term) return;
      var pop = document.getElementById(term.getAttribute("aria-controls"));
      var open = term.getAttribute("aria-expanded") === "true";
      term.setAttribute("aria-expanded", open ? "false" : "true");
      pop.hidden = open;
    });
    control.result.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var term = event.target.closest(".slang-term");
      if (term && term.getAttribute("aria-expanded") === "true") {
        term.setAttribute("aria-expanded", "false");
        document.getElementById(term.getAttribute("aria-controls")).hidden = true;
      }
    });
  }

  function init() { document.querySelectorAll(".translate-control").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
