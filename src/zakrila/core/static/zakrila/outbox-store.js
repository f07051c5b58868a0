/* The outbox: what a worker saved without a connection, kept in this browser (IndexedDB) until
 * the server has it. Shared by the pages (outbox.js) and the service worker (/sw.js), so it
 * touches no page: storage and sending only.
 *
 * An entry: { id, owner, url, method, fields: [[name, value], ...], key, version, label,
 *             summary: [[label, text], ...], createdAt, state, reason, message }
 * state: "waiting" (for a connection), "sending", "needs_you" (refused or in conflict: the
 * worker decides). A sent entry is deleted as soon as the server has it.
 *
 * Sending: ask the server who is signed in (and for a CSRF token: never the one of a page kept
 * for days), then post each entry of that user with its Idempotency-Key and X-Zakrila-Outbox;
 * the server answers {status: done|refused|conflict|signed_out|error, message, url}.
 */
(function (global) {
  "use strict";

  var DB_NAME = "zakrila-offline";
  var STORE = "outbox";
  // The server remembers a submission key for 30 days (core/submissions.py KEPT_FOR): an
  // older entry could be recorded twice, so the worker checks it first.
  var KEY_KEPT_DAYS = 29;
  var SEND_TIMEOUT_MS = 30000;
  var settings = { session: "/outbox/session/", header: "X-Zakrila-Outbox" };
  var listeners = [];
  var channel = "BroadcastChannel" in global ? new BroadcastChannel("zakrila-outbox") : null;
  if (channel) {
    channel.onmessage = function () {
      listeners.forEach(function (listener) { listener(); });
    };
  }

  function configure(options) {
    Object.keys(options || {}).forEach(function (name) { settings[name] = options[name]; });
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }).createIndex("owner", "owner");
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One request in one transaction; the connection is closed after, so nothing holds the
  // database open (clearing it at sign-out is never blocked).
  function idb(mode, makeRequest) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = makeRequest(transaction.objectStore(STORE));
        var result;
        request.onsuccess = function () { result = request.result; };
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function add(entry) { return idb("readwrite", function (store) { return store.add(entry); }); }
  function put(entry) { return idb("readwrite", function (store) { return store.put(entry); }); }
  function get(id) { return idb("readonly", function (store) { return store.get(id); }); }
  function remove(id) { return idb("readwrite", function (store) { return store.delete(id); }); }
  function clear() { return idb("readwrite", function (store) { return store.clear(); }); }

  // Only the given user's entries: another user of a shared tablet neither sees nor sends them.
  function list(owner) {
    if (!owner) return Promise.resolve([]);
    return idb("readonly", function (store) { return store.index("owner").getAll(owner); }).then(function (entries) {
      return (entries || []).sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
    });
  }

  function onChange(listener) { listeners.push(listener); }

  function changed() {
    listeners.forEach(function (listener) { listener(); });
    if (channel) channel.postMessage("changed");
  }

  function withLock(work, wait) {
    var locks = global.navigator && global.navigator.locks;
    if (!locks) return work();
    return locks.request("zakrila-outbox", wait ? {} : { ifAvailable: true }, function (lock) {
      return lock ? work() : { busy: true };
    });
  }

  // Who is signed in here, and a fresh CSRF token. Throws when there is no connection.
  function session() {
    var headers = {};
    headers[settings.header] = "1";
    return global.fetch(settings.session, {
      credentials: "same-origin", cache: "no-store", redirect: "manual", headers: headers,
    }).then(function (response) {
      if (response.type === "opaqueredirect") return { status: "signed_out", url: "" };
      if (response.status === 401) return response.json();
      if (!response.ok) return { status: "error" };
      return response.json().then(function (data) { data.status = "ok"; return data; });
    });
  }

  function post(entry, csrf, mode) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    var headers = { "X-CSRFToken": csrf };
    headers[settings.header] = mode || "1";
    if (entry.key) headers["Idempotency-Key"] = entry.key;
    var controller = "AbortController" in global ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS) : null;
    return global.fetch(entry.url, {
      method: entry.method || "POST", body: body, headers: headers, credentials: "same-origin",
      redirect: "manual", signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (response.type === "opaqueredirect") return { status: "signed_out", url: "" };
      return response.json().catch(function () { return { status: "error", message: "" }; });
    }).finally(function () {
      if (timer) clearTimeout(timer);
    });
  }

  // Send one entry; the server's answer decides what becomes of it. Resolves with the answer,
  // or {status: "offline"} when the network failed (the entry waits).
  function deliver(entry, csrf, mode) {
    entry.state = "sending";
    return put(entry).then(function () {
      return post(entry, csrf, mode).then(function (answer) {
        var next;
        if (answer.status === "done") {
          next = remove(entry.id);
        } else if (answer.status === "signed_out" || answer.status === "error") {
          entry.state = "waiting";
          entry.message = answer.message || "";
          next = put(entry);
        } else {
          entry.state = "needs_you";
          entry.reason = answer.status;
          entry.message = answer.message || "";
          next = put(entry);
        }
        return next.then(function () { changed(); return answer; });
      }, function () {
        entry.state = "waiting";
        return put(entry).then(function () { changed(); return { status: "offline" }; });
      });
    });
  }

  function tooOld(entry) {
    return Date.now() - Date.parse(entry.createdAt) > KEY_KEPT_DAYS * 24 * 3600 * 1000;
  }

  // Send what waits, for whoever is signed in. options.ids: entries to send again even if
  // they need the worker (the "Send again" button). Resolves with
  // {sent: [{entry, answer}], needsYou: [entry], offline, signedOut: url|null, busy}.
  function sendAll(options) {
    options = options || {};
    return withLock(function () {
      var result = { sent: [], needsYou: [], offline: false, signedOut: null };
      return session().then(function (who) {
        if (who.status === "signed_out") { result.signedOut = who.url || ""; return result; }
        if (who.status !== "ok") { result.offline = true; return result; }
        return list(who.owner).then(function (entries) {
          var chain = Promise.resolve();
          var stop = false;
          entries.forEach(function (entry) {
            var forced = (options.ids || []).indexOf(entry.id) !== -1;
            if (!forced && entry.state !== "waiting" && entry.state !== "sending") return;
            chain = chain.then(function () {
              if (stop) return null;
              if (!forced && tooOld(entry)) {
                entry.state = "needs_you";
                entry.reason = "too_old";
                result.needsYou.push(entry);
                return put(entry).then(changed);
              }
              return deliver(entry, who.csrf, "1").then(function (answer) {
                if (answer.status === "done") result.sent.push({ entry: entry, answer: answer });
                else if (answer.status === "offline") { result.offline = true; stop = true; }
                else if (answer.status === "signed_out") { result.signedOut = answer.url || ""; stop = true; }
                else if (answer.status !== "error") result.needsYou.push(entry);
              });
            });
          });
          return chain.then(function () { return result; });
        });
      }, function () {
        result.offline = true;
        return result;
      });
    }, false);
  }

  global.ZakrilaOutbox = {
    configure: configure, add: add, put: put, get: get, remove: remove, clear: clear, list: list,
    onChange: onChange, changed: changed, session: session, deliver: deliver, sendAll: sendAll,
    withLock: withLock,
  };
})(self);
