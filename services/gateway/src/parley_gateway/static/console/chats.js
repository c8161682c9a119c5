// The chat desk (A1-A16): lists with badges, the chat bar with state dots, open chats, the
// composer (canned responses, commands, @mentions), transfer / invite / status, the info panel.
import { h, clear, append, safeUrl } from "/widget/dom.js";
import { api } from "./api.js";
import { Composer } from "./composer.js";
import { infoPanel } from "./info.js";

const WAITING = new Set(["requested", "queued"]);

export function newId() {
  return crypto.randomUUID().replaceAll("-", "");
}

export class ChatDesk {
  constructor({ me, socket }) {
    this.me = me;
    this.socket = socket;
    this.channels = [];
    this.convs = new Map();
    this.events = new Map(); // conversation id -> Map(seq -> event)
    this.unread = new Set();
    this.tabs = [];
    this.active = null;
    this.typing = new Map();
    this.operators = [];
    this.myChannels = new Set();
    this.composers = new Map();
    this.lists = h("aside", { class: "lists" });
    this.bar = h("nav", { class: "chatbar", "aria-label": "Open chats" });
    this.pane = h("section", { class: "pane" });
    this.info = h("aside", { class: "info" });
    this.flashLine = h("div", { class: "flash hidden", role: "alert" });
    this.root = h("div", { class: "desk" }, this.lists,
      h("div", { class: "center" }, this.bar, this.flashLine, this.pane), this.info);
    this.loadOperators();
    this.render();
  }

  flash(text) {
    this.flashLine.textContent = text;
    this.flashLine.classList.remove("hidden");
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => this.flashLine.classList.add("hidden"), 6000);
  }

  async loadOperators() {
    try {
      this.operators = await api("GET", "/api/operators");
      this.operatorsError = null;
      const mine = this.operators.find((o) => o.profile.agent_id === this.me.id);
      if (mine) this.myChannels = new Set(mine.profile.channel_ids);
    } catch (err) {
      this.operatorsError = err.status === 503 ? "Routing is not answering: agent list unavailable." : err.message;
      // Without routing, the accounts list still names the agents (no presence).
      try {
        const agents = await api("GET", "/api/agents");
        this.operators = agents.map((a) => ({ profile: { agent_id: a.id, chat_name: a.display_name, channel_ids: [], expertise: [] }, availability: "unknown", active_conversation_ids: [] }));
      } catch { this.operators = []; }
    }
    this.renderLists();
  }

  // ---- frames ------------------------------------------------------------------------------

  frame(f, channels) {
    this.channels = channels;
    switch (f.type) {
      case "welcome":
        for (const c of [...f.conversations, ...(f.waiting || [])]) this.convs.set(c.id, c);
        break;
      case "conversation": this.conversationChanged(f.conversation); break;
      case "event": this.event(f); break;
      case "typing":
        if (f.actor.id !== this.me.id) {
          if (f.typing) this.typing.set(f.conversation_id, f.actor.display_name);
          else this.typing.delete(f.conversation_id);
          if (f.conversation_id === this.active) this.renderTyping();
        }
        return;
      case "presence": this.presence(f); break;
      case "transfer_refused":
        this.systemLine(f.conversation_id, `Transfer refused: ${f.reason}`);
        this.flash(`Transfer refused: ${f.reason}`);
        break;
      case "error":
        if (!f.ref) this.flash(`${f.code}: ${f.message}`);
        return;
      default: return;
    }
    this.render();
  }

  conversationChanged(c) {
    const before = this.convs.get(c.id);
    this.convs.set(c.id, { ...before, ...c });
    if (!before && WAITING.has(c.lifecycle)) this.notify("New chat request", `${c.visitor?.name || "A visitor"} is waiting`);
    if (this.isMine(c) && !this.socket.cursors.has(c.id)) this.socket.follow(c.id);
  }

  event(f) {
    let log = this.events.get(f.conversation_id);
    if (!log) this.events.set(f.conversation_id, (log = new Map()));
    log.set(f.seq, f);
    const c = this.convs.get(f.conversation_id);
    if (c) {
      c.last_seq = Math.max(c.last_seq || 0, f.seq);
      this.fold(c, f);
    }
    if (f.kind === "message" && f.actor.id !== this.me.id) {
      if (f.conversation_id !== this.active || document.hidden) this.unread.add(f.conversation_id);
      if (document.hidden || f.conversation_id !== this.active) {
        this.notify(`${f.actor.display_name}`, f.payload.text || "sent a file");
      }
      const mention = `@${this.me.display_name}`;
      if (f.payload.text?.includes(mention)) this.notify(`${f.actor.display_name} mentioned you`, f.payload.text);
      this.typing.delete(f.conversation_id);
    }
  }

  // Keep the snapshot current between `conversation` frames (joins, leaves, tags, status).
  fold(c, f) {
    const p = f.payload || {};
    if (f.kind === "joined" && p.participant) {
      c.participants = [...(c.participants || []).filter((m) => m.id !== p.participant.id),
        { id: p.participant.id, role: p.participant.role, display_name: p.participant.name, left_at: null }];
      if (p.participant.role === "agent") c.lifecycle = "active";
    }
    if (f.kind === "left" && p.participant) {
      c.participants = (c.participants || []).map((m) => (m.id === p.participant.id ? { ...m, left_at: f.at } : m));
    }
    if (f.kind === "tagged") c.tags = p.tags;
    if (f.kind === "status_changed") c.status = p.status;
    if (f.kind === "renamed") c.title = p.title;
    if (f.kind === "ended") { c.lifecycle = "ended"; c.outcome = p.outcome; }
    if (f.kind === "rated") c.rating = { value: p.rating, comment: p.comment };
    if (f.kind === "page_visited" && c.visitor) {
      c.visitor.pages = [...(c.visitor.pages || []), { url: p.url, title: p.title, at: f.at }].slice(-15);
      c.visitor.page_url = p.url;
    }
    if (f.kind === "widget_minimized" && c.visitor) c.visitor.minimized = p.minimized;
  }

  presence(f) {
    const op = this.operators.find((o) => o.profile.agent_id === f.agent_id);
    if (op) { op.availability = f.availability; op.profile.channel_ids = f.channel_ids || op.profile.channel_ids; }
    else this.loadOperators();
    if (f.agent_id === this.me.id && f.channel_ids) this.myChannels = new Set(f.channel_ids);
  }

  notify(title, body) {
    if (!("Notification" in window) || Notification.permission !== "granted" || !document.hidden) return;
    const n = new Notification(title, { body: String(body).slice(0, 200), tag: "parley" });
    n.onclick = () => window.focus();
  }

  // ---- who is where ------------------------------------------------------------------------

  participant(c, id = this.me.id) {
    return (c.participants || []).find((m) => m.id === id && !m.left_at);
  }

  isMine(c) {
    return !!this.participant(c);
  }

  waiting() {
    return [...this.convs.values()].filter((c) => WAITING.has(c.lifecycle) && !this.isMine(c));
  }

  mine() {
    return [...this.convs.values()].filter((c) => this.isMine(c) && c.lifecycle !== "ended");
  }

  lookingForHelp() {
    return [...this.convs.values()].filter((c) => c.status === "looking_for_help" && c.lifecycle === "active" && !this.isMine(c));
  }

  title(c) {
    if (c.kind === "agent") {
      const other = (c.participants || []).find((m) => m.id !== this.me.id);
      return other ? other.display_name : "Agent chat";
    }
    return c.title || c.visitor?.name || "Visitor";
  }

  dot(c) {
    if (WAITING.has(c.lifecycle) || !this.isMine(c)) return "red";
    return this.unread.has(c.id) ? "orange" : "green";
  }

  // ---- rendering ---------------------------------------------------------------------------

  render() {
    this.renderLists();
    this.renderBar();
    this.renderPane();
  }

  section(id, title, items, row) {
    return h("section", { class: "list", "data-list": id },
      h("h2", {}, title, h("span", { class: "badge", "data-count": items.length }, String(items.length))),
      items.length ? h("ul", {}, items.map(row)) : h("p", { class: "empty" }, "None"));
  }

  renderLists() {
    const card = (c) => h("li", { class: "card", "data-conversation": c.id, onclick: () => this.open(c.id) },
      h("span", { class: `dot ${this.dot(c)}` }),
      h("strong", {}, this.title(c)),
      h("small", {}, c.last_message_preview || c.visitor?.page_url || c.lifecycle),
      c.expertise?.some((e) => this.myExpertise().includes(e)) ? h("span", { class: "star", title: "Matches your expertise" }, "\u2605") : null);
    const agents = this.operators.filter((o) => o.profile.agent_id !== this.me.id);
    const agentRow = (o) => h("li", { class: "agent", "data-agent": o.profile.agent_id },
      h("span", { class: `presence ${o.availability}` }), h("strong", {}, o.profile.chat_name),
      h("small", {}, `${o.availability} \u00b7 ${o.active_conversation_ids.length} chats`),
      h("button", { type: "button", class: "link", onclick: () => this.chatWithAgent(o.profile.agent_id) }, "Chat"));
    const channelRow = (ch) => h("li", {},
      h("label", {}, h("input", {
        type: "checkbox", checked: this.myChannels.has(ch.id), "data-channel": ch.id,
        onchange: (e) => this.joinChannel(ch.id, e.target.checked),
      }), ` ${ch.name}`));
    // dom.js append skips the missing parts (the native one would print "null").
    append(clear(this.lists), [
      this.section("waiting", "Waiting", this.waiting(), card),
      this.section("mine", "My chats", this.mine(), card),
      this.section("help", "Looking for help", this.lookingForHelp(), card),
      this.section("agents", "Agents", agents, agentRow),
      this.operatorsError ? h("p", { class: "warning" }, this.operatorsError) : null,
      h("section", { class: "list" }, h("h2", {}, "My chat channels"), h("ul", {}, this.channels.map(channelRow))),
    ]);
  }

  myExpertise() {
    return this.operators.find((o) => o.profile.agent_id === this.me.id)?.profile.expertise || [];
  }

  renderBar() {
    clear(this.bar);
    for (const id of this.tabs) {
      const c = this.convs.get(id);
      if (!c) continue;
      this.bar.append(h("div", { class: `tab ${id === this.active ? "active" : ""}`, "data-tab": id },
        h("button", { type: "button", class: "tab-open", onclick: () => this.open(id) },
          h("span", { class: `dot ${this.dot(c)}`, "data-state": this.dot(c) }), this.title(c)),
        h("button", { type: "button", class: "tab-close", "aria-label": "Close tab", onclick: () => this.closeTab(id) }, "\u00d7")));
    }
  }

  open(id) {
    if (!this.tabs.includes(id)) this.tabs.push(id);
    this.active = id;
    this.unread.delete(id);
    const c = this.convs.get(id);
    if (c && this.isMine(c) && !this.socket.cursors.has(id)) this.socket.follow(id);
    this.render();
  }

  closeTab(id) {
    this.tabs = this.tabs.filter((t) => t !== id);
    if (this.active === id) this.active = this.tabs[this.tabs.length - 1] || null;
    this.render();
  }

  renderPane() {
    clear(this.pane);
    clear(this.info);
    const c = this.active && this.convs.get(this.active);
    if (!c) {
      this.pane.append(h("p", { class: "empty" }, "Pick a chat from the lists."));
      return;
    }
    const mine = this.participant(c);
    const actions = h("div", { class: "actions" });
    if (!mine && c.lifecycle !== "ended") {
      actions.append(
        h("button", { type: "button", class: "primary", "data-action": "accept", onclick: () => this.act({ type: "accept", conversation_id: c.id }) }, "Accept"),
        h("button", { type: "button", "data-action": "observe", onclick: () => this.act({ type: "observe", conversation_id: c.id }) }, "Observe"));
    }
    if (mine && c.lifecycle !== "ended") {
      actions.append(
        this.statusSelect(c),
        this.transferForm(c),
        this.inviteForm(c),
        h("button", { type: "button", "data-action": "leave", onclick: () => this.act({ type: "leave", conversation_id: c.id }) }, "Leave"),
        h("button", { type: "button", "data-action": "end", onclick: () => this.act({ type: "end", conversation_id: c.id }) }, "End chat"));
    }
    this.messages = h("div", { class: "messages", "data-conversation": c.id }, this.renderEvents(c));
    this.typingLine = h("div", { class: "typing" });
    this.pane.append(
      h("header", { class: "chat-head" }, h("h1", {}, this.title(c)), h("span", { class: "lifecycle" }, c.lifecycle), actions),
      this.messages, this.typingLine);
    if (mine && mine.role !== "observer" && c.lifecycle !== "ended") this.pane.append(this.composer(c).root);
    this.renderTyping();
    this.messages.scrollTop = this.messages.scrollHeight;
    this.info.append(infoPanel(this, c));
  }

  renderEvents(c) {
    const log = [...(this.events.get(c.id) || new Map()).values()].sort((a, b) => a.seq - b.seq);
    return log.map((f) => this.eventNode(f)).filter(Boolean);
  }

  eventNode(f) {
    const p = f.payload || {};
    const who = f.actor.display_name;
    const line = (text, cls = "system") => h("div", { class: cls, "data-seq": f.seq }, text);
    switch (f.kind) {
      case "message": {
        const files = (p.attachments || []).map((a) => this.attachment(a));
        return h("div", { class: `msg ${f.actor.id === this.me.id ? "me" : f.actor.role}`, "data-seq": f.seq },
          h("div", { class: "author" }, who, h("time", { datetime: f.at }, new Date(f.at).toLocaleTimeString())),
          p.text ? h("div", { class: "text" }, p.text) : null,
          files.length ? h("div", { class: "files" }, files) : null,
          p.choices?.length ? h("div", { class: "choices" }, p.choices.map((ch) => h("span", { class: "choice" }, ch.label))) : null);
      }
      case "note": return h("div", { class: "msg note", "data-seq": f.seq }, h("div", { class: "author" }, `Note by ${who}`), h("div", { class: "text" }, p.text));
      case "joined": return line(`${p.participant?.name} joined${p.participant?.role === "observer" ? " as observer" : ""}${p.reason ? ` (${p.reason})` : ""}`);
      case "left": return line(`${p.participant?.name} left${p.reason ? ` (${p.reason})` : ""}`);
      case "ended": return line(`Chat ended (${p.outcome || "ended"}) by ${p.ended_by || who}`);
      case "rated": return line(`Rated ${p.rating}${p.comment ? `: \u201c${p.comment}\u201d` : ""}`);
      case "status_changed": return line(`${who} set the status to ${p.status}`);
      case "tagged": return line(`Tags: ${(p.tags || []).join(", ") || "none"}`);
      case "renamed": return line(`Renamed to ${p.title}`);
      case "page_visited": return line(`Visitor is on ${p.url}`);
      case "transcript_requested": return line(`Transcript requested for ${p.email}`);
      case "handoff": return line("The chatbot handed the chat over to an operator");
      case "no_operator": return line(`No operator for the chatbot's hand-off: ${p.reason || ""}`);
      case "widget_minimized": return line(p.minimized ? "Visitor minimised the widget" : "Visitor opened the widget");
      case "started": return line(`Chat started by ${who}`);
      default: return null;
    }
  }

  attachment(a) {
    const href = safeUrl(a.url, location.origin);
    if (!href) return null;
    if (a.content_type.startsWith("image/")) return h("a", { href, target: "_blank", rel: "noopener" }, h("img", { src: href, alt: a.file_name }));
    return h("a", { href, download: a.file_name }, a.file_name);
  }

  systemLine(id, text) {
    if (id === this.active && this.messages) this.messages.append(h("div", { class: "system local" }, text));
  }

  renderTyping() {
    if (!this.typingLine) return;
    const name = this.typing.get(this.active);
    this.typingLine.textContent = name ? `${name} is typing\u2026` : "";
  }

  composer(c) {
    let composer = this.composers.get(c.id);
    if (!composer) {
      composer = new Composer(this, c.id);
      this.composers.set(c.id, composer);
    }
    return composer;
  }

  // ---- actions -----------------------------------------------------------------------------

  async act(frame) {
    try {
      await this.socket.request(frame);
      if (frame.type === "accept" || frame.type === "observe") {
        this.socket.follow(frame.conversation_id);
        const c = this.convs.get(frame.conversation_id);
        if (c) {
          c.participants = [...(c.participants || []), { id: this.me.id, role: frame.type === "accept" ? "agent" : "observer", display_name: this.me.display_name, left_at: null }];
          if (frame.type === "accept") c.lifecycle = "active";
        }
      }
      if (frame.type === "leave") this.closeTab(frame.conversation_id);
      this.render();
    } catch (err) {
      this.flash(`${frame.type}: ${err.message}`);
    }
  }

  statusSelect(c) {
    const select = h("select", { "aria-label": "Chat status", "data-action": "status", onchange: (e) => this.act({ type: "status", conversation_id: c.id, status: e.target.value }) },
      [["in_progress", "In progress"], ["waiting_for_customer", "Waiting for customer"], ["looking_for_help", "Looking for help"]]
        .map(([v, l]) => h("option", { value: v, selected: (c.status || "in_progress") === v }, l)));
    return select;
  }

  targets() {
    return this.operators.filter((o) => o.profile.agent_id !== this.me.id);
  }

  transferForm(c) {
    const select = h("select", { "aria-label": "Transfer to", "data-action": "transfer-target" },
      h("option", { value: "" }, "Transfer to\u2026"),
      h("optgroup", { label: "Agents" }, this.targets().map((o) => h("option", { value: `agent:${o.profile.agent_id}` }, `${o.profile.chat_name} (${o.availability})`))),
      h("optgroup", { label: "Channels" }, this.channels.map((ch) => h("option", { value: `channel:${ch.id}` }, ch.name))));
    select.addEventListener("change", () => {
      const [kind, id] = select.value.split(":");
      if (!id) return;
      this.act({ type: "transfer", conversation_id: c.id, [kind === "agent" ? "agent_id" : "channel_id"]: id });
      this.systemLine(c.id, "Transfer requested\u2026");
    });
    return select;
  }

  inviteForm(c) {
    const observer = h("input", { type: "checkbox", "data-action": "invite-observer" });
    const select = h("select", { "aria-label": "Invite", "data-action": "invite-target" },
      h("option", { value: "" }, "Invite\u2026"),
      this.targets().map((o) => h("option", { value: o.profile.agent_id }, o.profile.chat_name)));
    select.addEventListener("change", () => {
      if (select.value) this.act({ type: "invite", conversation_id: c.id, agent_id: select.value, observer: observer.checked });
    });
    return h("span", { class: "invite" }, select, h("label", {}, observer, " as observer"));
  }

  async chatWithAgent(agentId) {
    try {
      const ack = await this.socket.request({ type: "start_agent_chat", agent_id: agentId });
      this.socket.follow(ack.conversation_id);
      if (!this.convs.has(ack.conversation_id)) {
        this.convs.set(ack.conversation_id, { id: ack.conversation_id, kind: "agent", lifecycle: "active", participants: [{ id: this.me.id, role: "agent", display_name: this.me.display_name }] });
      }
      this.open(ack.conversation_id);
    } catch (err) { this.flash(`Could not start the chat: ${err.message}`); }
  }

  async joinChannel(channelId, join) {
    try {
      const overview = await api(join ? "POST" : "DELETE", `/api/operators/${encodeURIComponent(this.me.id)}/channels/${encodeURIComponent(channelId)}`);
      this.myChannels = new Set(overview.profile.channel_ids);
    } catch (err) {
      this.flash(`Could not ${join ? "join" : "leave"} the channel: ${err.message}`);
    }
    this.renderLists();
  }
}
