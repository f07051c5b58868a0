/* Offline capture in the page: the service worker, forms marked data-outbox, the outbox page,
 * the header's count, and clearing it all at sign-out. Storage and sending are in
 * outbox-store.js (shared with the service worker). Settings and words come from the JSON
 * block #zakrila-offline that base.html renders (no inline script: the CSP forbids it).
 *
 * A form marked data-outbox (data-outbox-label="what it is, for the outbox list"):
 * - online: sent by fetch with X-Zakrila-Outbox: page. Done → the page it leads to. Refused or
 *   in conflict → sent again the ordinary way, so the server shows it with its errors and what
 *   was typed. No connection, or the network failed → kept in the outbox.
 * - offline: kept in the outbox at once; sent when the connection comes back (the online
 *   event, Background Sync where the browser has it, any page opened later, "Send now").
 */
(function () {
  "use strict";

  var store = window.ZakrilaOutbox;
  var configElement = document.getElementById("zakrila-offline");
  if (!store || !configElement) return;
  var config = JSON.parse(configElement.textContent);
  var strings = config.strings;
  var owner = config.owner;
  store.configure({ session: config.session });

  if ("serviceWorker" in navigator && config.worker) {
    navigator.serviceWorker.register(config.worker).catch(function () { /* no offline copy */ });
  }

  // --- Small helpers -----------------------------------------------------------------------

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()); }

  // дд.мм.гггг чч:мм, as people read it.
  function dateTime(date) {
    return pad(date.getDate()) + "." + pad(date.getMonth() + 1) + "." + date.getFullYear() + " " + clock(date);
  }

  // гггг-мм-ддTчч:мм in local time: the value of a date-and-time picker (datetime-local).
  function pickerDateTime(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + clock(date);
  }

  // A picker's ISO value (2026-11-27, 2026-11-27T14:30) written as people read it.
  function readableDate(value) {
    var found = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(value);
    if (!found) return value;
    return found[3] + "." + found[2] + "." + found[1] + (found[4] ? " " + found[4] : "");
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function each(selector, action, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), action);
  }

  // A short notice at the foot of the screen; with a link when there is something to do.
  function say(text, kind, href, linkText) {
    var box = document.querySelector("[data-outbox-toasts]");
    if (!box) return;
    var item = document.createElement("p");
    item.className = "outbox-toast " + (kind || "info");
    item.textContent = text;
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = linkText || href;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
    }
    box.appendChild(item);
    if (!href) setTimeout(function () { item.remove(); }, 8000);
  }

  function signInNeeded() {
    var back = location.pathname + location.search;
    say(strings.signIn, "error", config.login + "?next=" + encodeURIComponent(back), strings.signInLink);
  }

  // --- The header's count and the outbox page ----------------------------------------------

  function refresh() {
    return store.list(owner).then(function (entries) {
      each("[data-outbox-count]", function (count) {
        count.textContent = String(entries.length);
        count.hidden = entries.length === 0;
      });
      each("[data-outbox-any]", function (line) {
        line.hidden = entries.length === 0;  // a line that only makes sense when something waits
      });
      each("[data-outbox-link]", function (link) {
        link.classList.toggle("needs-you", entries.some(function (e) { return e.state === "needs_you"; }));
      });
      renderOutbox(entries);
      return entries;
    }).catch(function () { return []; });
  }

  function stateText(entry) {
    if (entry.state === "needs_you") return strings.stateNeedsYou;
    if (entry.state === "sending") return strings.stateSending;
    return strings.stateWaiting;
  }

  function renderOutbox(entries) {
    var list = document.querySelector("[data-outbox-list]");
    var template = document.getElementById("outbox-entry-template");
    if (!list || !template) return;
    list.textContent = "";
    entries.forEach(function (entry) {
      var item = template.content.firstElementChild.cloneNode(true);
      item.setAttribute("data-entry-id", entry.id);
      item.setAttribute("data-state", entry.state);
      item.querySelector("[data-entry-label]").textContent = entry.label;
      item.querySelector("[data-entry-state]").textContent = stateText(entry);
      item.querySelector("[data-entry-saved]").textContent = format(strings.savedAt, { when: dateTime(new Date(entry.createdAt)) });
      var problem = item.querySelector("[data-entry-message]");
      var heading = entry.reason === "conflict" ? strings.conflict : entry.reason === "refused" ? strings.refused : "";
      var message = entry.reason === "too_old" ? strings.tooOld : entry.message || "";
      problem.textContent = [heading, message].filter(Boolean).join(": ");
      problem.hidden = !problem.textContent || entry.state !== "needs_you";
      var facts = item.querySelector("[data-entry-summary]");
      (entry.summary || []).forEach(function (row) {
        var term = document.createElement("dt");
        term.textContent = row[0];
        var value = document.createElement("dd");
        value.textContent = row[1];
        facts.appendChild(term);
        facts.appendChild(value);
      });
      item.querySelector("[data-entry-open]").href = entry.url + "#outbox-entry=" + entry.id;
      item.querySelector("[data-entry-resend]").hidden = entry.state !== "needs_you";
      list.appendChild(item);
    });
    each("[data-outbox-empty]", function (empty) { empty.hidden = entries.length > 0; });
  }

  function showConnection() {
    each("[data-outbox-connection]", function (line) {
      line.textContent = navigator.onLine ? strings.online : strings.offline;
      line.className = navigator.onLine ? "outbox-online" : "outbox-offline";
    });
  }

  // The pages this device keeps for work without a connection (read from the service
  // worker's cache; their titles hold a case number at most).
  function listKeptPages() {
    var target = document.querySelector("[data-offline-pages]");
    if (!target || !("caches" in window)) return;
    caches.keys().then(function (names) {
      var pages = names.filter(function (name) { return name.indexOf("zakrila-pages-") === 0; });
      return Promise.all(pages.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return cache.match(request).then(function (response) {
                return response.text().then(function (html) {
                  var title = new DOMParser().parseFromString(html, "text/html").title;
                  return { url: request.url, title: title };
                });
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var kept = [].concat.apply([], groups).filter(function (page) {
        return new URL(page.url).pathname !== config.outbox;
      });
      target.textContent = "";
      kept.forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title || page.url;
        item.appendChild(link);
        target.appendChild(item);
      });
      if (!kept.length) {
        var none = document.createElement("li");
        none.className = "empty";
        none.textContent = strings.noPages;
        target.appendChild(none);
      }
    }).catch(function () { /* nothing kept */ });
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button") : null;
    if (!button) return;
    if (button.hasAttribute("data-outbox-send")) {
      sendWaiting();
      return;
    }
    var item = button.closest("[data-entry-id]");
    if (!item) return;
    var id = Number(item.getAttribute("data-entry-id"));
    if (button.hasAttribute("data-entry-resend")) {
      sendWaiting([id]);
    } else if (button.hasAttribute("data-entry-discard")) {
      store.get(id).then(function (entry) {
        if (!entry || entry.owner !== owner) return;
        if (!window.confirm(format(strings.confirmDiscard, { label: entry.label }))) return;
        store.remove(id).then(store.changed);
      });
    }
  });

  // --- Sending -----------------------------------------------------------------------------

  function report(result) {
    if (!result || result.busy) return;
    result.sent.forEach(function (sent) {
      var text = sent.answer.repeated ? strings.sentAgain : strings.sent;
      say(format(text, { label: sent.entry.label }), "success");
    });
    result.needsYou.forEach(function (entry) {
      say(format(strings.needsYou, { label: entry.label }), "error");
    });
    if (result.signedOut !== null) signInNeeded();
    refresh();
  }

  function sendWaiting(ids) {
    if (!owner) return Promise.resolve(null);
    return store.sendAll({ ids: ids || [] }).then(report);
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("zakrila-outbox");
      return null;
    }).catch(function () { /* the online event and the next page send it */ });
  }

  // --- Forms marked data-outbox ------------------------------------------------------------

  function fieldLabel(element) {
    var box = element.closest(".field");
    var label = box ? box.querySelector("label") : element.labels && element.labels[0];
    var text = label ? label.textContent : element.name;
    return text.replace(/\*/g, "").replace(/\s+/g, " ").trim();
  }

  function choiceText(element) {
    var label = element.labels && element.labels[0];
    return (label ? label.textContent : element.value).replace(/\s+/g, " ").trim();
  }

  // What the entry holds, in words, for the outbox list (the worker checks it before sending).
  function summarise(form) {
    var rows = [];
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || seen[element.name] || element.disabled) return;
      if (["hidden", "submit", "button", "reset", "file", "password"].indexOf(element.type) !== -1) return;
      var text;
      if (element.type === "checkbox" || element.type === "radio") {
        seen[element.name] = true;
        var group = Array.prototype.filter.call(form.elements, function (other) { return other.name === element.name; });
        if (group.length === 1 && element.type === "checkbox") {
          text = element.checked ? strings.yes : strings.no;
        } else {
          text = group.filter(function (other) { return other.checked; }).map(choiceText).join(", ");
        }
      } else if (element.tagName === "SELECT") {
        text = Array.prototype.filter.call(element.options, function (option) {
          return option.selected && option.value !== "";
        }).map(function (option) { return option.textContent.trim(); }).join(", ");
      } else if (element.type === "date" || element.type === "datetime-local") {
        text = readableDate(element.value.trim());
      } else {
        text = element.value.trim();
      }
      if (text) rows.push([fieldLabel(element), text]);
    });
    return rows;
  }

  // The fields the worker changed from the form as the server gave it: only these are put
  // back when the entry is opened in its form over the record as it is now (a conflict).
  function changedFields(form) {
    var names = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      var changed;
      if (element.type === "checkbox" || element.type === "radio") {
        changed = element.checked !== element.defaultChecked;
      } else if (element.tagName === "SELECT" && element.multiple) {
        changed = Array.prototype.some.call(element.options, function (option) { return option.selected !== option.defaultSelected; });
      } else if (element.tagName === "SELECT") {
        var given = Array.prototype.findIndex.call(element.options, function (option) { return option.defaultSelected; });
        changed = element.selectedIndex !== Math.max(given, 0);
      } else if ("defaultValue" in element) {
        changed = element.value !== element.defaultValue;
      }
      if (changed && element.name && names.indexOf(element.name) === -1) names.push(element.name);
    });
    return names;
  }

  function entryFrom(form, submitter) {
    var data;
    try { data = new FormData(form, submitter || undefined); } catch (error) { data = new FormData(form); }
    var fields = [];
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    var action = new URL(form.action || location.href, location.href);
    var now = new Date();
    return {
      owner: owner,
      url: action.pathname + action.search,
      method: "POST",
      fields: fields,
      key: form.elements.submission_key ? form.elements.submission_key.value : "",
      version: form.elements.version ? form.elements.version.value : "",
      label: (form.getAttribute("data-outbox-label") || document.title) + ", " + clock(now),
      summary: summarise(form),
      changed: changedFields(form),
      createdAt: now.toISOString(),
      state: "waiting",
      reason: "",
      message: "",
    };
  }

  // A kept copy of a page repeats the one-time key and the time it was kept: fresh ones.
  function freshen(form) {
    if (form.elements.submission_key) form.elements.submission_key.value = newKey();
    each("[data-offline-now]", function (input) { input.value = pickerDateTime(new Date()); }, form);
  }

  function busy(form, on) {
    each("button[type=submit], button:not([type])", function (button) { button.disabled = on; }, form);
  }

  function keptForLater(form, entry, message) {
    busy(form, false);
    say(message || strings.saved, "info", config.outbox, document.title);
    askForSync();
    if (form.elements.version) {
      // An edit cannot be filled in again: show the worker where it waits.
      location.assign(config.outbox);
      return;
    }
    form.reset();
    freshen(form);
    delete form.dataset.outboxReplaces;
  }

  function sendTheOrdinaryWay(form, csrf, submitter) {
    if (csrf && form.elements.csrfmiddlewaretoken) form.elements.csrfmiddlewaretoken.value = csrf;
    form.setAttribute("data-outbox-ordinary", "");
    busy(form, false);
    if (form.requestSubmit) form.requestSubmit(submitter || undefined);
    else HTMLFormElement.prototype.submit.call(form);
  }

  function sendNow(form, entry, submitter) {
    return store.withLock(function () {
      return store.session().then(function (who) {
        if (who.status !== "ok") return { status: who.status === "signed_out" ? "signed_out" : "offline" };
        if (who.owner !== owner) return { status: "signed_out" };
        return store.deliver(entry, who.csrf, "page").then(function (answer) {
          answer.csrf = who.csrf;
          return answer;
        });
      }, function () { return { status: "offline" }; });
    }, true).then(function (answer) {
      if (answer.status === "done") {
        location.assign(answer.url || location.href);
      } else if (answer.status === "offline") {
        keptForLater(form, entry);
      } else if (answer.status === "signed_out") {
        keptForLater(form, entry, strings.signIn);
        signInNeeded();
      } else if (answer.status === "error") {
        keptForLater(form, entry, answer.message);
      } else {
        // Refused or in conflict: the server shows the form again with its errors and what
        // was typed, the ordinary way; nothing was recorded, so nothing waits.
        store.remove(entry.id).then(function () {
          store.changed();
          sendTheOrdinaryWay(form, answer.csrf, submitter);
        });
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-outbox") || !owner) return;
    if (form.hasAttribute("data-outbox-ordinary")) return;
    event.preventDefault();
    busy(form, true);
    var entry = entryFrom(form, event.submitter);
    var replaces = form.dataset.outboxReplaces ? Number(form.dataset.outboxReplaces) : null;
    store.add(entry).then(function (id) {
      entry.id = id;
      return replaces ? store.remove(replaces) : null;
    }).then(function () {
      store.changed();
      if (!navigator.onLine) return keptForLater(form, entry);
      return sendNow(form, entry, event.submitter);
    }).catch(function () {
      // No storage in this browser (a private window): the ordinary way, as without us.
      sendTheOrdinaryWay(form, "", event.submitter);
    });
  });

  // "Open in its form": the entry's values in the form as it is now on the server.
  function fillFromEntry() {
    var match = /^#outbox-entry=(\d+)$/.exec(location.hash);
    var form = document.querySelector("form[data-outbox]");
    if (!match || !form) return;
    store.get(Number(match[1])).then(function (entry) {
      if (!entry || entry.owner !== owner) return;
      var values = {};
      entry.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
      Array.prototype.forEach.call(form.elements, function (element) {
        var name = element.name;
        if (!name || ["csrfmiddlewaretoken", "submission_key", "version"].indexOf(name) !== -1) return;
        if (entry.changed && entry.changed.indexOf(name) === -1) return;
        var given = values[name] || [];
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = given.indexOf(element.value) !== -1;
        } else if (element.tagName === "SELECT" && element.multiple) {
          Array.prototype.forEach.call(element.options, function (option) { option.selected = given.indexOf(option.value) !== -1; });
        } else if (["submit", "button", "file", "reset"].indexOf(element.type) === -1 && given.length) {
          element.value = given[0];
        }
      });
      form.dataset.outboxReplaces = String(entry.id);
      var note = document.createElement("p");
      note.className = "outbox-filled";
      note.setAttribute("role", "status");
      note.textContent = strings.filled + (entry.message ? " " + entry.message : "");
      form.insertBefore(note, form.firstChild);
    });
  }

  // --- Sign-out: nothing of the offline copy stays on the device ---------------------------

  function forgetKeptPages() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("zakrila-pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline-clear")) return;
    if (form.hasAttribute("data-offline-cleared")) return;
    event.preventDefault();
    store.list(owner).then(function (entries) {
      if (entries.length) {
        var warning = entries.length === 1 ? strings.logoutOne : strings.logoutMany;
        if (!window.confirm(format(warning, { count: entries.length }))) return;
      }
      // The server's Clear-Site-Data clears the rest; this does not wait for it.
      return Promise.all([store.clear(), forgetKeptPages()]).catch(function () { return null; }).then(function () {
        form.setAttribute("data-offline-cleared", "");
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  });

  // --- On every page -----------------------------------------------------------------------

  var keptAt = document.body.getAttribute("data-offline-copy");
  var banner = null;
  if (keptAt !== null) {
    banner = document.createElement("p");
    banner.className = "outbox-copy";
    banner.setAttribute("data-testid", "offline-copy");
    banner.textContent = format(strings.offlineCopy, { when: keptAt ? dateTime(new Date(keptAt)) : "" });
    var main = document.querySelector("main") || document.body;
    main.insertBefore(banner, main.firstChild);
    each("form[data-outbox]", freshen);
  }

  function connectionBack() {
    if (!banner) return;
    // Still the kept copy: the page as it is now is one tap away.
    banner.textContent = strings.copyOnline + " ";
    var again = document.createElement("a");
    again.href = location.pathname + location.search;
    again.textContent = strings.openAgain;
    banner.appendChild(again);
  }

  store.onChange(refresh);
  if ("serviceWorker" in navigator) {
    // What the service worker sent on Background Sync, while this page was open.
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "zakrila-outbox-result") report(event.data.result);
    });
  }
  window.addEventListener("online", function () { showConnection(); connectionBack(); sendWaiting(); });
  window.addEventListener("offline", showConnection);
  showConnection();
  listKeptPages();
  fillFromEntry();
  refresh().then(function (entries) {
    var waiting = entries.some(function (entry) { return entry.state !== "needs_you"; });
    if (waiting && navigator.onLine) sendWaiting();
  });
})();
