// The chat window, loaded on the first click (or at once when a chat is in progress).
// V3 name form, V4 messages / typing / joins / queue, V5 rating and transcript, V6 files,
// chatbot buttons, V7 an agent's chat request, resume and offline outbox (connection.js).
import { append, clear, h, safeUrl } from "./dom.js";
import { VisitorConnection, newId } from "./connection.js";

const TYPING_IDLE_MS = 3000;
const RECENT_END_MS = 3600 * 1000;

export function mount(ctx) {
  const chat = new ChatWindow(ctx);
  chat.connection.connect();
  return chat;
}

class ChatWindow {
  constructor({ win, base, channel, store, config, close }) {
    this.win = win;
    this.base = base;
    this.channel = channel;
    this.store = store;
    this.config = config;
    this.close = close;
    this.conversation = null; // visitor snapshot of the current conversation
    this.seen = new Set(); // seqs rendered, per current conversation
    this.pendingNodes = new Map(); // client_message_id -> node shown before the server stored it
    this.typingTimer = null;
    this.isShown = false;
    this.connection = new VisitorConnection({
      base, channel, store,
      onFrame: (frame) => this.frame(frame),
      onState: (s) => this.connectionState(s),
    });
    this.build();
  }

  settings() {
    const config = this.config();
    return (config && config.widget) || { header_color: "#1d3f8f", welcome_message: "", placeholder: "" };
  }

  build() {
    const w = this.settings();
    this.title = h("div", { class: "title" }, "Chat");
    this.subtitle = h("div", { class: "subtitle" }, "");
    this.status = h("div", { class: "status hidden", role: "status" });
    this.body = h("div", { class: "body", "aria-live": "polite" });
    this.queueLine = h("div", { class: "queue hidden", role: "status" });
    this.typingLine = h("div", { class: "typing hidden" });
    this.choices = h("div", { class: "choices" });
    this.footer = h("div", { class: "footer" });
    clear(this.win);
    append(this.win, [
      h("div", { class: "header" },
        h("div", { class: "who" }, this.title, this.subtitle),
        h("button", { class: "end", type: "button", title: "End chat", onclick: () => this.end() }, "End"),
        h("button", { class: "min", type: "button", "aria-label": "Minimise", onclick: () => this.close() }, "\u2013")),
      this.status, this.body, this.queueLine, this.typingLine, this.choices, this.footer,
    ]);
    this.win.addEventListener("dragover", (e) => { e.preventDefault(); this.win.classList.add("drop"); });
    this.win.addEventListener("dragleave", () => this.win.classList.remove("drop"));
    this.win.addEventListener("drop", (e) => {
      e.preventDefault();
      this.win.classList.remove("drop");
      this.upload([...e.dataTransfer.files]);
    });
    this.showStart();
    this.subtitle.textContent = w.welcome_message ? "" : "";
  }

  shown(visible) {
    this.isShown = visible;
    if (this.conversation && this.conversation.lifecycle !== "ended") {
      this.connection.send({ type: "minimized", conversation_id: this.conversation.id, minimized: !visible });
    }
    if (visible) this.input?.focus();
  }

  connectionState(state) {
    const texts = {
      connecting: "Connecting\u2026", reconnecting: "Connection lost, reconnecting\u2026",
      offline: "You are offline; messages will be sent when you are back.",
      refused: "Chat is not available on this website.",
    };
    this.status.textContent = texts[state] || "";
    this.status.classList.toggle("hidden", !texts[state]);
    this.win.dataset.connection = state;
  }

  // ---- views -------------------------------------------------------------------------------

  welcomeLine() {
    const text = this.settings().welcome_message;
    return text ? h("div", { class: "msg them welcome" }, h("div", { class: "text" }, text)) : null;
  }

  showStart() {
    this.conversation = null;
    this.seen.clear();
    this.title.textContent = "Chat with us";
    clear(this.body).append(...[this.welcomeLine()].filter(Boolean));
    clear(this.choices);
    this.queueLine.classList.add("hidden");
    const name = h("input", { name: "name", required: true, maxlength: 100, autocomplete: "name", placeholder: "Your name" });
    const email = h("input", { name: "email", type: "email", maxlength: 254, autocomplete: "email", placeholder: "E-mail (optional)" });
    const text = h("textarea", { name: "text", rows: 3, maxlength: 4000, placeholder: this.settings().placeholder || "" });
    const remembered = this.store("name");
    if (remembered) name.value = remembered;
    const form = h("form", { class: "start" },
      h("label", {}, "Name", name), h("label", {}, "E-mail", email), h("label", {}, "Your question", text),
      h("button", { type: "submit", class: "primary" }, "Start chat"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.start(name.value.trim(), email.value.trim(), text.value.trim(), form);
    });
    clear(this.footer).append(form);
    this.input = name;
  }

  showComposer() {
    const input = h("textarea", { class: "input", rows: 1, maxlength: 4000, placeholder: this.settings().placeholder, "aria-label": "Message" });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.sendText(); }
    });
    input.addEventListener("input", () => this.typing());
    input.addEventListener("paste", (e) => {
      const files = [...(e.clipboardData?.files || [])];
      if (files.length) { e.preventDefault(); this.upload(files); }
    });
    const picker = h("input", { type: "file", class: "hidden", multiple: true, accept: "image/*,.pdf,.txt,.doc,.docx,.xls,.xlsx,.csv,.zip" });
    picker.addEventListener("change", () => { this.upload([...picker.files]); picker.value = ""; });
    const attach = h("button", { type: "button", class: "attach", "aria-label": "Attach a file", onclick: () => picker.click() }, "+");
    const send = h("button", { type: "button", class: "send primary", onclick: () => this.sendText() }, "Send");
    clear(this.footer).append(h("div", { class: "composer" }, attach, input, send, picker));
    this.input = input;
    if (this.isShown) input.focus();
  }

  showEnded() {
    const c = this.conversation;
    this.queueLine.classList.add("hidden");
    clear(this.choices);
    const box = h("div", { class: "rating" });
    if (c.rating) {
      box.append(h("p", {}, "Thank you for your feedback!"));
    } else {
      const comment = h("textarea", { class: "comment hidden", rows: 2, maxlength: 2000, placeholder: "Tell us what we could do better" });
      let chosen = null;
      const faces = [["satisfied", ":-)", "Satisfied"], ["okay", ":-|", "Okay"], ["dissatisfied", ":-(", "Dissatisfied"]];
      const buttons = faces.map(([value, icon, label]) => h("button", {
        type: "button", class: "face", "data-rating": value, title: label, "aria-label": label,
        onclick: (e) => {
          chosen = value;
          for (const b of buttons) b.classList.toggle("chosen", b === e.currentTarget);
          comment.classList.toggle("hidden", value === "satisfied");
          submit.disabled = false;
        },
      }, h("span", { class: "icon" }, icon), h("span", {}, label)));
      const submit = h("button", { type: "button", class: "primary", disabled: true, onclick: async () => {
        const frame = { type: "rate", conversation_id: c.id, rating: chosen };
        if (chosen !== "satisfied" && comment.value.trim()) frame.comment = comment.value.trim();
        try { await this.connection.request(frame); clear(box).append(h("p", {}, "Thank you for your feedback!")); }
        catch (err) { this.notice(err.message || "Could not send the rating"); }
      } }, "Send rating");
      box.append(h("p", {}, "How was this chat?"), h("div", { class: "faces" }, buttons), comment, submit);
    }
    const email = h("input", { type: "email", name: "transcript", required: true, placeholder: "you@example.com", value: this.store("email") || "" });
    const transcript = h("form", { class: "transcript" }, h("label", {}, "E-mail me a copy of this chat", email),
      h("button", { type: "submit" }, "Send transcript"));
    transcript.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await this.connection.request({ type: "transcript", conversation_id: c.id, email: email.value.trim() });
        clear(transcript).append(h("p", {}, "A copy is on its way to " + email.value.trim() + "."));
      } catch (err) { this.notice(err.message || "Could not request the transcript"); }
    });
    const again = h("button", { type: "button", class: "again", onclick: () => { this.store("conversation", null); this.showStart(); } }, "Start a new chat");
    clear(this.footer).append(box, transcript, again);
  }

  notice(text) {
    this.body.append(h("div", { class: "system error" }, text));
    this.scroll();
  }

  scroll() {
    this.body.scrollTop = this.body.scrollHeight;
  }

  // ---- actions -----------------------------------------------------------------------------

  async start(name, email, text, form) {
    if (!name) return;
    this.store("name", name);
    if (email) this.store("email", email);
    const frame = { type: "start", name, page: { url: location.href.slice(0, 2000), title: document.title.slice(0, 200) } };
    if (email) frame.email = email;
    if (text) { frame.text = text; frame.client_message_id = newId(); }
    form.querySelector("button").disabled = true;
    try {
      const ack = await this.connection.request(frame);
      this.store("conversation", ack.conversation_id);
      if (!this.conversation || this.conversation.id !== ack.conversation_id) {
        this.adopt({ id: ack.conversation_id, lifecycle: "requested", participants: [], choices: [], rating: null });
      }
    } catch (err) {
      form.querySelector("button").disabled = false;
      this.notice(err.code === "rate_limited" ? "Please wait a moment before starting another chat." : "Could not start the chat: " + (err.message || "offline"));
    }
  }

  sendText(choice) {
    const c = this.conversation;
    if (!c || c.lifecycle === "ended") return;
    const text = choice ? "" : this.input.value.trim();
    if (!text && !choice) return;
    const frame = { type: "message", conversation_id: c.id, client_message_id: newId(), text };
    if (choice) frame.choice_id = choice.id;
    if (!choice) this.input.value = "";
    this.showPending(frame, choice ? choice.label : text);
    this.connection.queue(frame);
    this.stopTyping();
  }

  showPending(frame, text) {
    const node = this.messageNode({ role: "visitor", display_name: "" }, text, [], "pending");
    this.pendingNodes.set(frame.client_message_id, node);
    this.body.append(node);
    this.scroll();
  }

  typing() {
    const c = this.conversation;
    if (!c || c.lifecycle === "ended") return;
    if (!this.typingTimer) this.connection.send({ type: "typing", conversation_id: c.id, typing: true });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    if (!this.typingTimer) return;
    clearTimeout(this.typingTimer);
    this.typingTimer = null;
    if (this.conversation) this.connection.send({ type: "typing", conversation_id: this.conversation.id, typing: false });
  }

  async end() {
    const c = this.conversation;
    if (!c || c.lifecycle === "ended") { this.close(); return; }
    if (!confirm("End this chat?")) return;
    try { await this.connection.request({ type: "end", conversation_id: c.id }); }
    catch (err) { this.notice(err.message || "Could not end the chat"); }
  }

  async upload(files) {
    const c = this.conversation;
    if (!c || c.lifecycle === "ended" || !files.length) return;
    const ids = [];
    for (const file of files.slice(0, 10)) {
      const form = new FormData();
      form.append("conversation_id", c.id);
      form.append("file", file, file.name || "pasted.png");
      const url = `${this.base}/api/widget/${encodeURIComponent(this.channel)}/attachments?visitor_token=${encodeURIComponent(this.store("token") || "")}`;
      try {
        const response = await fetch(url, { method: "POST", body: form, credentials: "omit" });
        const body = await response.json();
        if (!response.ok) throw new Error(body.detail || body.code || response.statusText);
        ids.push(body.id);
      } catch (err) {
        this.notice(`Could not send ${file.name || "the file"}: ${err.message}`);
      }
    }
    if (ids.length) {
      this.connection.queue({ type: "message", conversation_id: c.id, client_message_id: newId(), text: "", attachment_ids: ids });
    }
  }

  // ---- frames ------------------------------------------------------------------------------

  frame(frame) {
    switch (frame.type) {
      case "welcome": return this.welcome(frame);
      case "event": return this.event(frame);
      case "typing": return this.showTyping(frame);
      case "queue": return this.showQueue(frame);
      case "conversation": return this.chatRequest(frame.conversation);
      case "error":
        if (frame.ref?.startsWith("out-")) this.refused(frame);
        return;
      default:
    }
  }

  welcome(frame) {
    const current = this.store("conversation");
    const byId = new Map(frame.conversations.map((c) => [c.id, c]));
    let chosen = current && byId.get(current);
    if (!chosen) {
      chosen = frame.conversations.filter((c) => c.lifecycle !== "ended" && !c.pending_request)
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
    }
    if (chosen && chosen.lifecycle === "ended" && !(current === chosen.id && Date.now() - Date.parse(chosen.ended_at) < RECENT_END_MS)) {
      chosen = null;
    }
    const request = frame.conversations.find((c) => c.pending_request);
    if (chosen && (!this.conversation || this.conversation.id !== chosen.id)) this.adopt(chosen);
    else if (chosen) { this.update(chosen); this.connection.resume(chosen.id, false); }
    else if (request) this.chatRequest(request);
    else if (current) { this.store("conversation", null); this.showStart(); }
  }

  adopt(snapshot) {
    this.conversation = snapshot;
    this.seen.clear();
    this.pendingNodes.clear();
    this.store("conversation", snapshot.id);
    clear(this.body).append(...[this.welcomeLine()].filter(Boolean));
    this.update(snapshot);
    // Messages still in the outbox for this chat show as pending until the server stores them.
    for (const f of this.connection.outbox) {
      if (f.conversation_id === snapshot.id && f.text) this.showPending(f, f.text);
    }
    // The view is empty: ask for the whole history (seqs already shown are skipped).
    this.connection.resume(snapshot.id, true);
  }

  update(snapshot) {
    this.conversation = { ...this.conversation, ...snapshot };
    const c = this.conversation;
    this.renderWho();
    this.renderChoices(c.choices || []);
    if (c.lifecycle === "ended") this.showEnded();
    else if (!this.footer.querySelector(".composer")) this.showComposer();
  }

  renderWho() {
    const agents = (this.conversation.participants || []).filter((p) => p.role !== "visitor" && !p.left_at);
    this.title.textContent = agents.length ? agents.map((p) => p.display_name).join(", ") : "Chat with us";
    const waiting = ["requested", "queued"].includes(this.conversation.lifecycle);
    this.subtitle.textContent = this.conversation.lifecycle === "ended" ? "Chat ended" : agents.length ? "is answering" : waiting ? "Waiting for an operator" : "";
  }

  renderChoices(choices) {
    clear(this.choices);
    for (const choice of choices) {
      this.choices.append(h("button", { type: "button", class: "choice", onclick: () => {
        const link = choice.url && safeUrl(choice.url);
        if (link) window.open(link, "_blank", "noopener");
        clear(this.choices);
        this.sendText(choice);
      } }, choice.label));
    }
  }

  event(frame) {
    const c = this.conversation;
    if (!c || frame.conversation_id !== c.id) return;
    if (this.seen.has(frame.seq)) return;
    this.seen.add(frame.seq);
    const p = frame.payload || {};
    switch (frame.kind) {
      case "message": {
        const pending = frame.client_message_id && this.pendingNodes.get(frame.client_message_id);
        const node = this.messageNode(frame.actor, p.text, p.attachments || [], "", frame.at);
        if (pending) { pending.replaceWith(node); this.pendingNodes.delete(frame.client_message_id); }
        else this.body.append(node);
        if (frame.actor.role !== "visitor") this.typingLine.classList.add("hidden");
        if (p.choices) this.renderChoices(p.choices);
        else if (frame.actor.role === "visitor") clear(this.choices);
        break;
      }
      case "joined":
        if (p.participant?.role === "visitor") break;
        this.system(`${p.participant?.name || frame.actor.display_name} joined the chat`);
        if (p.participant?.role !== "visitor") {
          this.conversation.lifecycle = "active";
          this.queueLine.classList.add("hidden");
          this.addParticipant(p.participant);
        }
        break;
      case "left":
        this.system(`${p.participant?.name || frame.actor.display_name} left the chat`);
        this.removeParticipant(p.participant);
        break;
      case "ended":
        this.system("The chat has ended");
        this.update({ lifecycle: "ended", ended_at: frame.at });
        break;
      case "rated":
        this.update({ rating: { value: p.rating, comment: p.comment } });
        break;
      case "transcript_requested":
        this.system(`A transcript will be sent to ${p.email}`);
        break;
      default:
    }
    this.scroll();
  }

  addParticipant(participant) {
    if (!participant) return;
    const list = (this.conversation.participants || []).filter((p) => p.id !== participant.id);
    list.push({ id: participant.id, role: participant.role, display_name: participant.name, left_at: null });
    this.conversation.participants = list;
    this.renderWho();
  }

  removeParticipant(participant) {
    if (!participant) return;
    this.conversation.participants = (this.conversation.participants || []).filter((p) => p.id !== participant.id);
    this.renderWho();
  }

  system(text) {
    this.body.append(h("div", { class: "system" }, text));
  }

  messageNode(actor, text, attachments, extra, at) {
    const mine = actor.role === "visitor";
    const files = attachments.map((a) => this.attachmentNode(a));
    return h("div", { class: `msg ${mine ? "me" : "them"} ${actor.role} ${extra}`.trim() },
      mine || !actor.display_name ? null : h("div", { class: "author" }, actor.display_name),
      text ? h("div", { class: "text" }, text) : null,
      files.length ? h("div", { class: "files" }, files) : null,
      at ? h("time", { datetime: at }, new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })) : null);
  }

  attachmentNode(a) {
    const href = safeUrl(`${a.url}?visitor_token=${encodeURIComponent(this.store("token") || "")}`, this.base);
    if (!href) return null;
    if (a.content_type.startsWith("image/")) {
      return h("a", { href, target: "_blank", rel: "noopener" }, h("img", { src: href, alt: a.file_name, class: "image" }));
    }
    return h("a", { href, class: "file", target: "_blank", rel: "noopener", download: a.file_name }, a.file_name);
  }

  showTyping(frame) {
    if (!this.conversation || frame.conversation_id !== this.conversation.id || frame.actor.role === "visitor") return;
    this.typingLine.textContent = `${frame.actor.display_name} is typing\u2026`;
    this.typingLine.classList.toggle("hidden", !frame.typing);
  }

  showQueue(frame) {
    if (!this.conversation || frame.conversation_id !== this.conversation.id) return;
    const wait = frame.estimated_wait_seconds;
    const minutes = wait == null ? "" : wait < 60 ? ", about a minute" : `, about ${Math.round(wait / 60)} minutes`;
    this.queueLine.textContent = `You are number ${frame.position} in the queue${minutes}.`;
    this.queueLine.classList.toggle("hidden", this.conversation.lifecycle === "active");
  }

  chatRequest(snapshot) {
    if (!snapshot) return;
    if (this.conversation && snapshot.id === this.conversation.id) { this.update(snapshot); return; }
    if (!snapshot.pending_request) {
      if (snapshot.lifecycle !== "ended" && (!this.conversation || this.conversation.lifecycle === "ended")) this.adopt(snapshot);
      return;
    }
    const agent = (snapshot.participants || []).find((p) => p.role === "agent");
    const answer = async (accept) => {
      try {
        await this.connection.request({ type: "request_reply", conversation_id: snapshot.id, accept });
        if (accept) this.adopt({ ...snapshot, pending_request: false });
        else card.remove();
      } catch (err) { this.notice(err.message || "Could not answer"); }
    };
    const card = h("div", { class: "request" },
      h("p", {}, `${agent ? agent.display_name : "An operator"} would like to chat with you.`),
      h("button", { type: "button", class: "primary", onclick: () => answer(true) }, "Accept"),
      h("button", { type: "button", onclick: () => answer(false) }, "No, thanks"));
    this.body.append(card);
    this.scroll();
  }

  refused(error) {
    this.notice(error.code === "ended" ? "This chat has ended; your message was not sent." : `Message not sent: ${error.message}`);
  }
}
