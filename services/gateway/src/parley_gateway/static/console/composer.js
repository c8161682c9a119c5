// The composer: Enter sends, Shift+Enter breaks the line; `:shortcut` expands a canned response,
// `::` lists them; `/help` and `/leave` are commands (their output only this agent sees);
// `@` suggests agents to mention; files by paste, drop or picker.
import { h, clear } from "/widget/dom.js";
import { api } from "./api.js";
import { newId } from "./chats.js";

const HELP = [
  "/help  this list",
  "/leave  leave this chat",
  ":shortcut  insert a canned response (:: lists them)",
  "@name  mention an agent",
  "Enter sends, Shift+Enter breaks the line",
];

export class Composer {
  constructor(desk, conversationId) {
    this.desk = desk;
    this.id = conversationId;
    this.canned = null;
    this.input = h("textarea", { class: "compose", rows: 2, placeholder: "Message (/help for commands)", "aria-label": "Message" });
    this.popup = h("ul", { class: "popup hidden", role: "listbox" });
    this.picker = h("input", { type: "file", multiple: true, class: "hidden" });
    this.picker.addEventListener("change", () => { this.upload([...this.picker.files]); this.picker.value = ""; });
    this.input.addEventListener("keydown", (e) => this.keydown(e));
    this.input.addEventListener("input", () => this.changed());
    this.input.addEventListener("paste", (e) => {
      const files = [...(e.clipboardData?.files || [])];
      if (files.length) { e.preventDefault(); this.upload(files); }
    });
    this.root = h("div", { class: "composer" }, this.popup,
      h("button", { type: "button", class: "attach", "aria-label": "Attach a file", onclick: () => this.picker.click() }, "+"),
      this.input,
      h("button", { type: "button", class: "primary", onclick: () => this.submit() }, "Send"), this.picker);
    this.root.addEventListener("dragover", (e) => e.preventDefault());
    this.root.addEventListener("drop", (e) => { e.preventDefault(); this.upload([...e.dataTransfer.files]); });
  }

  async cannedResponses() {
    if (!this.canned) {
      try { this.canned = await api("GET", "/api/canned-responses"); } catch { this.canned = []; }
    }
    return this.canned;
  }

  keydown(e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      const first = this.popup.querySelector("li");
      if (!this.popup.classList.contains("hidden") && first) first.click();
      else this.submit();
    } else if (e.key === "Escape") this.hidePopup();
    else if ((e.key === " " || e.key === "Tab") && /(^|\s):([\w-]+)$/.test(this.input.value)) {
      if (this.expand()) e.preventDefault();
    }
  }

  // `:hello` + space/Tab/Enter becomes the response's text.
  expand() {
    const match = /(^|\s):([\w-]+)$/.exec(this.input.value);
    const found = match && (this.canned || []).find((r) => r.shortcut === match[2]);
    if (!found) return false;
    this.input.value = this.input.value.slice(0, match.index + match[1].length) + found.text;
    this.hidePopup();
    return true;
  }

  async changed() {
    const text = this.input.value;
    this.desk.socket.send({ type: "typing", conversation_id: this.id, typing: text.length > 0 });
    const canned = /(^|\s)::?([\w-]*)$/.exec(text);
    const mention = /(^|\s)@([\w-]*)$/.exec(text);
    if (canned) {
      const prefix = text.endsWith("::") ? "" : canned[2];
      const all = await this.cannedResponses();
      this.showPopup(all.filter((r) => r.shortcut.startsWith(prefix)).map((r) => [`:${r.shortcut}`, r.text.slice(0, 80), () => this.replaceTail(canned, r.text)]));
    } else if (mention) {
      const agents = this.desk.operators.filter((o) => o.profile.chat_name.toLowerCase().startsWith(mention[2].toLowerCase()));
      this.showPopup(agents.map((o) => [`@${o.profile.chat_name}`, o.availability, () => this.replaceTail(mention, `@${o.profile.chat_name} `)]));
    } else this.hidePopup();
  }

  replaceTail(match, replacement) {
    this.input.value = this.input.value.slice(0, match.index + match[1].length) + replacement;
    this.hidePopup();
    this.input.focus();
  }

  showPopup(items) {
    clear(this.popup);
    for (const [label, detail, pick] of items.slice(0, 8)) {
      this.popup.append(h("li", { role: "option", onclick: pick }, h("strong", {}, label), h("small", {}, detail)));
    }
    this.popup.classList.toggle("hidden", items.length === 0);
  }

  hidePopup() {
    this.popup.classList.add("hidden");
  }

  async submit() {
    this.expand();
    const text = this.input.value.trim();
    if (!text) return;
    if (text === "/help") { this.input.value = ""; for (const line of HELP) this.desk.systemLine(this.id, line); return; }
    if (text === "/leave") { this.input.value = ""; this.desk.act({ type: "leave", conversation_id: this.id }); return; }
    if (/^\/\w+/.test(text)) { this.desk.systemLine(this.id, `Unknown command ${text.split(/\s/)[0]}; /help lists the commands`); return; }
    this.input.value = "";
    this.desk.socket.send({ type: "typing", conversation_id: this.id, typing: false });
    try {
      await this.desk.socket.request({ type: "message", conversation_id: this.id, client_message_id: newId(), text });
    } catch (err) {
      this.input.value = text;
      this.desk.flash(`Not sent: ${err.message}`);
    }
  }

  async upload(files) {
    const ids = [];
    for (const file of files.slice(0, 10)) {
      const form = new FormData();
      form.append("conversation_id", this.id);
      form.append("file", file, file.name || "pasted.png");
      try { ids.push((await api("POST", "/api/attachments", form)).id); }
      catch (err) { this.desk.flash(`Could not upload ${file.name}: ${err.message}`); }
    }
    if (ids.length) {
      try { await this.desk.socket.request({ type: "message", conversation_id: this.id, client_message_id: newId(), text: "", attachment_ids: ids }); }
      catch (err) { this.desk.flash(`Not sent: ${err.message}`); }
    }
  }
}
