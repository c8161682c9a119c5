/* Parley widget loader (V1, V2, V9): shows the chat button at once, loads the chat lazily.
 * Added to a website with one tag:
 *   <script src="https://parley.example/widget/loader.js" data-parley-channel="chn_x" async></script>
 * Everything it draws lives in a Shadow DOM; it sets no inline style from strings (colours go
 * through CSSOM custom properties), so it runs on pages whose CSP allows only Parley's origin. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__parleyLoaded) return;
  window.__parleyLoaded = true;
  var base = new URL(script.src).origin;
  var channel = script.getAttribute("data-parley-channel") || "";
  var openNow = script.getAttribute("data-parley-open") === "1";
  var key = "parley:" + channel + ":";
  var started = performance.now();

  function store(name, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(key + name) || "null");
      localStorage.setItem(key + name, JSON.stringify(value));
    } catch (e) { return null; }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  var host = el("div");
  host.id = "parley-widget";
  var root = host.attachShadow({ mode: "open" });
  var css = el("link");
  css.rel = "stylesheet";
  css.href = base + "/widget/widget.css";
  root.appendChild(css);
  var launcher = el("div", "launcher hidden");
  var bubble = el("div", "bubble hidden");
  var bubbleClose = el("button", "bubble-close", "\u00d7");
  bubbleClose.type = "button";
  bubbleClose.setAttribute("aria-label", "Close");
  var bubbleText = el("span", "bubble-text");
  bubble.appendChild(bubbleText);
  bubble.appendChild(bubbleClose);
  var button = el("button", "button");
  button.type = "button";
  button.setAttribute("part", "button");
  var buttonText = el("span", "button-text", "Chat");
  button.appendChild(el("span", "button-icon"));
  button.appendChild(buttonText);
  var win = el("div", "window hidden");
  launcher.appendChild(bubble);
  launcher.appendChild(button);
  root.appendChild(win);
  root.appendChild(launcher);

  var state = { config: null, chat: null, loading: null, open: false };

  function apply(config) {
    state.config = config;
    var w = config.widget;
    host.style.setProperty("--parley-button", w.button_color);
    host.style.setProperty("--parley-header", w.header_color);
    buttonText.textContent = w.button_text;
    bubbleText.textContent = w.notification_text;
    var resuming = !!store("conversation");
    if (!config.show && !resuming) {
      launcher.classList.add("hidden");
      return;
    }
    launcher.classList.remove("hidden");
    if (!window.__parleyShown) {
      window.__parleyShown = performance.now() - started;
      host.setAttribute("data-shown-ms", String(Math.round(window.__parleyShown)));
    }
    if (config.action === "show_with_notification" && !store("bubble-closed")) {
      bubble.classList.remove("hidden");
    }
    if (config.action === "open_after" && !store("auto-opened")) {
      setTimeout(function () {
        if (!state.open) { store("auto-opened", true); open(); }
      }, (config.open_after_seconds || 0) * 1000);
    }
  }

  function loadChat() {
    if (!state.loading) {
      state.loading = import(base + "/widget/chat.js").then(function (module) {
        state.chat = module.mount({
          root: root, win: win, base: base, channel: channel, store: store,
          config: function () { return state.config; },
          close: close,
        });
        return state.chat;
      });
    }
    return state.loading;
  }

  function open() {
    state.open = true;
    bubble.classList.add("hidden");
    launcher.classList.add("opened");
    win.classList.remove("hidden");
    store("open", true);
    return loadChat().then(function (chat) { chat.shown(true); });
  }

  function close() {
    state.open = false;
    launcher.classList.remove("opened");
    win.classList.add("hidden");
    store("open", false);
    if (state.chat) state.chat.shown(false);
  }

  button.addEventListener("click", function () { state.open ? close() : open(); });
  bubbleClose.addEventListener("click", function (event) {
    event.stopPropagation();
    bubble.classList.add("hidden");
    store("bubble-closed", true);
  });
  bubbleText.addEventListener("click", function () { open(); });

  function attach() {
    document.body.appendChild(host);
    var cached = store("config");
    if (cached) apply(cached);
    var url = base + "/api/widget/" + encodeURIComponent(channel) + "/config?url=" +
      encodeURIComponent(location.href);
    fetch(url, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (config) {
        if (!config) return;
        store("config", config);
        apply(config);
      })
      .catch(function () { /* offline: the cached look stays */ });
    // A chat in progress survives a reload: reconnect at once, reopen if it was open.
    if (openNow || store("open")) open();
    else if (store("conversation")) loadChat();
  }

  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
})();
