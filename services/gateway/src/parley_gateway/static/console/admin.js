// Admin screens: channels with widget settings, rules and the snippet generator with a live
// preview (V1, V2); operators' profiles (A4, R1); groups; canned responses (A11).
import { h, clear } from "/widget/dom.js";
import { api } from "./api.js";

function field(label, input) {
  return h("label", { class: "field" }, label, input);
}

function screen(title, load) {
  const body = h("div", { class: "admin-body" }, "Loading\u2026");
  const error = h("p", { class: "error", role: "alert" });
  const reload = async () => {
    error.textContent = "";
    try { clear(body).append(...(await load(reload, (m) => { error.textContent = m; }))); }
    catch (err) { error.textContent = err.message; }
  };
  reload();
  return h("section", { class: "admin" }, h("h1", {}, title), error, body);
}

export function snippetFor(channelId) {
  return `<script src="${location.origin}/widget/loader.js" data-parley-channel="${channelId}" async></script>`;
}

function channelEditor(channel, reload, fail) {
  const w = channel.widget;
  const input = (value, props = {}) => h("input", { value: value ?? "", ...props });
  const f = {
    name: input(channel.name, { required: true }),
    origins: h("textarea", { rows: 3 }, channel.allowed_origins.join("\n")),
    button_text: input(w.button_text), notification_text: input(w.notification_text),
    button_color: input(w.button_color, { type: "color" }), header_color: input(w.header_color, { type: "color" }),
    welcome_message: h("textarea", { rows: 2 }, w.welcome_message), placeholder: input(w.placeholder),
    hide: h("input", { type: "checkbox", checked: w.hide_when_no_operator }),
    routing: h("select", {}, ["push", "pull"].map((m) => h("option", { value: m, selected: channel.routing_mode === m }, m))),
    rules: h("textarea", { rows: 6, class: "code", spellcheck: false }, JSON.stringify(channel.rules, null, 1)),
  };
  // Live preview of the button as the admin edits it (colours via CSSOM: no inline style text).
  const previewButton = h("button", { type: "button", class: "preview-button" });
  const previewHeader = h("div", { class: "preview-header" });
  const previewWelcome = h("div", { class: "preview-welcome" });
  const preview = () => {
    previewButton.textContent = f.button_text.value;
    previewButton.style.setProperty("background-color", f.button_color.value);
    previewHeader.style.setProperty("background-color", f.header_color.value);
    previewHeader.textContent = f.name.value;
    previewWelcome.textContent = f.welcome_message.value;
  };
  preview();
  const frame = h("iframe", { class: "preview-frame", title: "Widget preview", src: `/demo/?channel=${encodeURIComponent(channel.id)}` });
  const snippet = h("textarea", { class: "code snippet", rows: 2, readonly: true }, snippetFor(channel.id));
  const form = h("form", { class: "channel-form", oninput: preview, onsubmit: async (e) => {
    e.preventDefault();
    let rules;
    try { rules = JSON.parse(f.rules.value || "[]"); } catch { fail("Rules: not valid JSON"); return; }
    const body = {
      name: f.name.value, group_ids: channel.group_ids, is_default: channel.is_default,
      allowed_origins: f.origins.value.split(/\s+/).filter(Boolean), routing_mode: f.routing.value,
      request_timeout_seconds: channel.request_timeout_seconds, answer_timeout_seconds: channel.answer_timeout_seconds,
      widget: { button_text: f.button_text.value, notification_text: f.notification_text.value, button_color: f.button_color.value,
        header_color: f.header_color.value, welcome_message: f.welcome_message.value, placeholder: f.placeholder.value,
        hide_when_no_operator: f.hide.checked, language: w.language },
      rules,
    };
    try { await api("PUT", `/api/channels/${encodeURIComponent(channel.id)}`, body); frame.src = frame.src; reload(); }
    catch (err) { fail(`${channel.name}: ${err.message}`); }
  } },
    field("Name", f.name), field("Allowed origins (one per line)", f.origins), field("Routing", f.routing),
    field("Button text", f.button_text), field("Notification text", f.notification_text),
    field("Button colour", f.button_color), field("Header colour", f.header_color),
    field("Welcome message", f.welcome_message), field("Input placeholder", f.placeholder),
    h("label", { class: "field check" }, f.hide, " Hide the button when no operator is online"),
    field("Rules (JSON: sequence, url_regex, countries, action show | show_with_notification | open_after | hide, open_after_seconds, chatbot_script_id, chatbot_when)", f.rules),
    h("button", { type: "submit", class: "primary" }, "Save"));
  return h("article", { class: "channel", "data-channel": channel.id },
    h("h2", {}, channel.name, channel.is_default ? " (default)" : ""),
    h("div", { class: "channel-grid" }, form,
      h("div", { class: "preview" },
        h("h3", {}, "Snippet"), snippet,
        h("button", { type: "button", onclick: () => navigator.clipboard?.writeText(snippet.value) }, "Copy"),
        h("p", {}, "Direct chat link: ", h("a", { href: `/chat/${encodeURIComponent(channel.id)}`, target: "_blank" }, `${location.origin}/chat/${channel.id}`)),
        h("h3", {}, "Live preview"),
        h("div", { class: "preview-window" }, previewHeader, previewWelcome), previewButton,
        h("h3", {}, "On the demo page (after saving)"), frame)));
}

export const adminScreens = {
  channels: () => screen("Channels", async (reload, fail) => {
    const channels = await api("GET", "/api/channels");
    const name = h("input", { placeholder: "New channel name", required: true });
    const create = h("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      try { await api("POST", "/api/channels", { name: name.value, allowed_origins: [location.origin] }); reload(); }
      catch (err) { fail(err.message); }
    } }, name, h("button", { type: "submit" }, "Create"));
    return [create, ...channels.map((c) => channelEditor(c, reload, fail))];
  }),

  operators: () => screen("Operators", async (reload, fail) => {
    let operators;
    try { operators = await api("GET", "/api/operators"); }
    catch (err) { return [h("p", {}, err.status === 503 ? "The routing service is not answering; operator profiles live there." : err.message)]; }
    return operators.map((o) => {
      const p = o.profile;
      const f = {
        chat_name: h("input", { value: p.chat_name }), main_language: h("input", { value: p.main_language || "", placeholder: "en" }),
        extra: h("input", { value: p.extra_languages.join(", "), placeholder: "de, fr" }),
        expertise: h("input", { value: p.expertise.join(", "), placeholder: "billing, shipping" }),
        country: h("input", { value: p.country || "", placeholder: "CH", maxlength: 2 }),
        max_chats: h("input", { type: "number", min: 1, max: 50, value: String(p.max_chats) }),
      };
      const list = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);
      return h("form", { class: "operator", "data-agent": p.agent_id, onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api("PUT", `/api/operators/${encodeURIComponent(p.agent_id)}/profile`, {
            chat_name: f.chat_name.value, main_language: f.main_language.value || null, extra_languages: list(f.extra.value),
            expertise: list(f.expertise.value), country: f.country.value.toUpperCase() || null,
            max_chats: Number(f.max_chats.value), channel_ids: p.channel_ids,
          });
          reload();
        } catch (err) { fail(`${p.chat_name}: ${err.message}`); }
      } }, h("strong", {}, `${p.chat_name} \u00b7 ${o.availability}`),
        field("Chat name", f.chat_name), field("Main language", f.main_language), field("Other languages", f.extra),
        field("Expertise", f.expertise), field("Country", f.country), field("Maximum chats", f.max_chats),
        h("button", { type: "submit" }, "Save"));
    });
  }),

  groups: () => screen("Groups", async (reload, fail) => {
    const groups = await api("GET", "/api/groups");
    const name = h("input", { placeholder: "New group", required: true });
    return [
      h("form", { class: "inline", onsubmit: async (e) => {
        e.preventDefault();
        try { await api("POST", "/api/groups", { name: name.value }); reload(); } catch (err) { fail(err.message); }
      } }, name, h("button", { type: "submit" }, "Create")),
      h("ul", {}, groups.map((g) => h("li", {}, g.name, " ",
        h("button", { type: "button", class: "link", onclick: async () => {
          try { await api("DELETE", `/api/groups/${encodeURIComponent(g.id)}`); reload(); } catch (err) { fail(err.message); }
        } }, "Delete")))),
    ];
  }),

  canned: ({ me }) => screen("Canned responses", async (reload, fail) => {
    const responses = await api("GET", "/api/canned-responses");
    const shortcut = h("input", { placeholder: "shortcut", required: true, maxlength: 32 });
    const text = h("textarea", { rows: 2, required: true, placeholder: "Text" });
    const shared = h("input", { type: "checkbox" });
    return [
      h("form", { class: "inline", onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api("POST", "/api/canned-responses", { shortcut: shortcut.value.replace(/^:/, ""), text: text.value, private: !shared.checked, group_ids: shared.checked ? me.group_ids || [] : [] });
          reload();
        } catch (err) { fail(err.message); }
      } }, shortcut, text, h("label", {}, shared, " shared with my groups"), h("button", { type: "submit" }, "Add")),
      h("table", {}, h("tbody", {}, responses.map((r) => h("tr", {},
        h("td", {}, `:${r.shortcut}`), h("td", {}, r.text), h("td", {}, r.private ? "private" : "shared"),
        h("td", {}, h("button", { type: "button", class: "link", onclick: async () => {
          try { await api("DELETE", `/api/canned-responses/${encodeURIComponent(r.id)}`); reload(); } catch (err) { fail(err.message); }
        } }, "Delete")))))),
    ];
  }),
};
