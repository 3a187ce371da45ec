/* DealerLink customer page. No framework, no build step. Reads #page-data (rendered by
   dealerlink/pages/render.py), calls the public API on the same origin, and never holds text
   of its own: every sentence comes localized in page-data.strings.

   After a successful action the page says thank you at once, then polls its own URL until the
   server has re-rendered it (page-data.version changed) and reloads; if that takes longer than
   ~12 s the thank-you state simply stays. */
(function () {
  "use strict";
  var node = document.getElementById("page-data");
  if (!node) return;
  var page = JSON.parse(node.textContent);
  var t = page.strings;

  function say(form, message, isError) {
    var live = form.querySelector(".live");
    if (!live) return;
    live.textContent = message;
    live.classList.toggle("error", !!isError);
  }

  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button").forEach(function (b) { b.disabled = on; });
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  async function refresh() {
    for (var i = 0; i < 8; i++) {
      await wait(1500);
      try {
        var html = await (await fetch(location.href, { cache: "no-store" })).text();
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = JSON.parse(doc.getElementById("page-data").textContent);
        if (next.version !== page.version) { location.reload(); return; }
      } catch (e) { /* keep polling */ }
    }
  }

  function problem(status, body) {
    if (status === 409) return t.error_conflict;
    if (status === 429) return t.error_rate_limited;
    if (status === 404 || status === 410) return t.error_gone;
    if ((status === 400 || status === 422) && body && body.error && body.error.message) return body.error.message;
    return t.error_generic;
  }

  /* POST JSON to the page's API; true on success, else the reason is shown in the form. */
  async function post(form, path, body) {
    if (page.preview) { say(form, t.preview, true); return false; }
    busy(form, true);
    say(form, t.sending, false);
    try {
      var res = await fetch(page.api + path, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body)
      });
      if (res.ok) return true;
      var data = null;
      try { data = await res.json(); } catch (e) { /* not JSON */ }
      say(form, problem(res.status, data), true);
      if (res.status === 409) refresh();
    } catch (e) {
      say(form, t.error_network, true);
    }
    busy(form, false);
    return false;
  }

  function done(form, message) {
    say(form, message, false);
    form.querySelectorAll("input, textarea, button").forEach(function (el) { el.disabled = true; });
    refresh();
  }

  function on(id, handler) {
    var form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", function (ev) { ev.preventDefault(); handler(form, ev.submitter); });
    return form;
  }

  if (page.ping) {
    fetch(page.api + "/opened", {
      method: "POST", headers: { "content-type": "application/json" }, body: "{}", keepalive: true
    }).catch(function () { /* fire and forget */ });
  }

  var answers = on("answers", async function (form) {
    var chosen = {}, missing = null;
    form.querySelectorAll("fieldset[data-work]").forEach(function (set) {
      var pick = set.querySelector("input:checked");
      if (pick) chosen[set.dataset.work] = pick.value === "yes";
      else if (!missing) missing = set;
    });
    if (missing) { say(form, t.answer_each, true); missing.querySelector("input").focus(); return; }
    if (await post(form, "/answers", { answers: chosen })) done(form, t.thanks_answers);
  });
  if (answers) {
    var money = new Intl.NumberFormat(page.locale, { style: "currency", currency: page.currency });
    var total = document.getElementById("approved-total");
    answers.addEventListener("change", function () {
      var cents = 0;
      answers.querySelectorAll("input[value=yes]:checked").forEach(function (el) {
        cents += Math.round(parseFloat(el.dataset.price) * 100);
      });
      total.textContent = money.format(cents / 100);
    });
  }

  on("reminder", async function (form, button) {
    if (!button) return;
    if (button.value === "book") {
      var ids = Array.prototype.map.call(form.querySelectorAll("input[name=work]:checked"), function (el) { return el.value; });
      if (await post(form, "/booking", { accepted_work_ids: ids })) {
        say(form, t.to_booking, false);
        location.assign(page.booking);
      }
      return;
    }
    if (!button.dataset.armed) {
      button.dataset.armed = "1";
      button.textContent = t.confirm_decline;
      say(form, t.confirm_decline_hint, false);
      return;
    }
    if (await post(form, "/decline-all", {})) done(form, t.thanks_declined);
  });

  on("callback", async function (form) {
    var message = form.elements.message.value.trim();
    if (await post(form, "/callback", message ? { message: message } : {})) done(form, t.thanks_callback);
  });

  on("rating", async function (form) {
    var stars = form.querySelector("input[name=stars]:checked");
    if (!stars) { say(form, t.choose_stars, true); form.querySelector("input[name=stars]").focus(); return; }
    var body = { stars: Number(stars.value), comment: form.elements.comment.value.trim() };
    if (await post(form, "/rating", body)) done(form, t.thanks_rating);
  });

  /* Printing (F-3.11) needs every picture, including the lazy ones not scrolled to yet. */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("img[loading=lazy]").forEach(function (img) { img.loading = "eager"; });
  });
})();
