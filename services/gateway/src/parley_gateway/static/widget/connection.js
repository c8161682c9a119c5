// The visitor's WebSocket: hello, resume from the last seq, an outbox that survives reloads
// and drops (messages keep their client_message_id, so a resend is stored once), keep-alive.

const PING_MS = 20000;
const PONG_WAIT_MS = 8000;

export function newId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class VisitorConnection {
  constructor({ base, channel, store, onFrame, onState }) {
    this.url = base.replace(/^http/, "ws") + "/ws/visitor?channel=" + encodeURIComponent(channel);
    this.store = store;
    this.onFrame = onFrame;
    this.onState = onState;
    this.socket = null;
    this.ready = false;
    this.retry = 0;
    this.cursors = new Map(); // conversation id -> highest seq seen on this page
    this.outbox = store("outbox") || [];
    this.refs = 0;
    this.pending = new Map(); // ref -> {resolve, reject}
    window.addEventListener("online", () => this.connect());
    window.addEventListener("offline", () => this.drop());
  }

  connect() {
    if (this.socket && this.socket.readyState <= 1) return;
    if (!navigator.onLine) { this.onState("offline"); return; }
    clearTimeout(this.reconnectTimer);
    this.onState("connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      const hello = {
        type: "hello", v: 1, language: navigator.language,
        page: { url: location.href.slice(0, 2000), title: document.title.slice(0, 200) },
        user_agent: navigator.userAgent.slice(0, 500),
      };
      const token = this.store("token");
      if (token) hello.visitor_token = token;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.ready = false;
      clearInterval(this.pinger);
      for (const waiter of this.pending.values()) waiter.reject(new Error("connection lost"));
      this.pending.clear();
      if (event.code === 4003 || event.code === 4004) { this.onState("refused"); return; }
      this.onState(navigator.onLine ? "reconnecting" : "offline");
      const delay = Math.min(15000, 500 * 2 ** this.retry++) * (0.5 + Math.random() / 2);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    };
  }

  drop() {
    if (this.socket) this.socket.close();
    this.onState("offline");
  }

  receive(frame) {
    if (frame.type === "welcome") {
      this.ready = true;
      this.retry = 0;
      this.store("token", frame.visitor_token);
      this.onFrame(frame);
      this.flush();
      this.keepAlive();
      this.onState("online");
      return;
    }
    if (frame.type === "pong") { clearTimeout(this.pongTimer); return; }
    if (frame.type === "event") {
      const seen = this.cursors.get(frame.conversation_id) || 0;
      this.cursors.set(frame.conversation_id, Math.max(seen, frame.seq));
    }
    if (frame.type === "ack") {
      if (frame.seq && frame.conversation_id && !frame.client_message_id) {
        const seen = this.cursors.get(frame.conversation_id) || 0;
        this.cursors.set(frame.conversation_id, Math.max(seen, frame.seq));
      }
      if (frame.ref?.startsWith("out-")) this.delivered(frame.ref.slice(4));
    }
    if (frame.ref && this.pending.has(frame.ref)) {
      const waiter = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      if (frame.type === "error") waiter.reject(frame); else waiter.resolve(frame);
    }
    if (frame.type === "error" && frame.ref?.startsWith("out-")) {
      this.failed(frame);
    }
    this.onFrame(frame);
  }

  resume(conversationId, fromStart) {
    const after = fromStart ? 0 : this.cursors.get(conversationId) || 0;
    this.send({ type: "resume", conversation_id: conversationId, after_seq: after });
  }

  keepAlive() {
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      this.send({ type: "ping" });
      this.pongTimer = setTimeout(() => this.socket && this.socket.close(), PONG_WAIT_MS);
    }, PING_MS);
  }

  send(frame) {
    if (!this.ready || !this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  request(frame) {
    const ref = "r" + ++this.refs;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, ref })) { reject(new Error("offline")); return; }
      this.pending.set(ref, { resolve, reject });
    });
  }

  // Messages go through the outbox: kept in localStorage until the server acknowledges them.
  queue(frame) {
    this.outbox.push(frame);
    this.store("outbox", this.outbox);
    if (this.ready) this.send({ ...frame, ref: "out-" + frame.client_message_id });
  }

  flush() {
    for (const frame of this.outbox) this.send({ ...frame, ref: "out-" + frame.client_message_id });
  }

  delivered(clientMessageId) {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((f) => f.client_message_id !== clientMessageId);
    if (this.outbox.length !== before) this.store("outbox", this.outbox);
  }

  failed(error) {
    // A frame the server refuses for good (ended chat, bad frame) must not be resent forever.
    const id = error.ref.slice(4);
    if (["rate_limited", "internal", "unavailable"].includes(error.code)) return;
    this.delivered(id);
  }
}
