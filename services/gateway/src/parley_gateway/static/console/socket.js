// The agent's WebSocket: hello, resume every followed conversation from its last seq after a
// reconnect, request/answer by ref, keep-alive.

export class AgentSocket {
  constructor({ onFrame, onState }) {
    this.onFrame = onFrame;
    this.onState = onState;
    this.cursors = new Map();
    this.pending = new Map();
    this.refs = 0;
    this.retry = 0;
    this.closed = false;
    window.addEventListener("online", () => this.connect());
  }

  connect() {
    if (this.closed || (this.socket && this.socket.readyState <= 1)) return;
    clearTimeout(this.timer);
    const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/agent");
    this.socket = socket;
    this.onState("connecting");
    socket.onopen = () => socket.send(JSON.stringify({ type: "hello", v: 1 }));
    socket.onmessage = (m) => this.receive(JSON.parse(m.data));
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.ready = false;
      clearInterval(this.pinger);
      for (const w of this.pending.values()) w.reject(new Error("connection lost"));
      this.pending.clear();
      if (event.code === 4001) { this.onState("signed-out"); return; }
      if (this.closed) return;
      this.onState("reconnecting");
      this.timer = setTimeout(() => this.connect(), Math.min(15000, 500 * 2 ** this.retry++));
    };
  }

  close() {
    this.closed = true;
    if (this.socket) this.socket.close();
  }

  receive(frame) {
    if (frame.type === "welcome") {
      this.ready = true;
      this.retry = 0;
      this.onFrame(frame);
      for (const c of frame.conversations) this.follow(c.id);
      this.pinger = setInterval(() => this.send({ type: "ping" }), 20000);
      this.onState("online");
      return;
    }
    if (frame.type === "event") {
      const seen = this.cursors.get(frame.conversation_id) || 0;
      if (frame.seq <= seen) return;
      this.cursors.set(frame.conversation_id, frame.seq);
    }
    if (frame.ref && this.pending.has(frame.ref)) {
      const w = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      if (frame.type === "error") w.reject(Object.assign(new Error(frame.message), frame));
      else w.resolve(frame);
    }
    this.onFrame(frame);
  }

  follow(conversationId) {
    this.send({ type: "resume", conversation_id: conversationId, after_seq: this.cursors.get(conversationId) || 0 });
  }

  send(frame) {
    if (!this.ready || this.socket.readyState !== 1) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  request(frame) {
    const ref = "a" + ++this.refs;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, ref })) { reject(new Error("not connected")); return; }
      this.pending.set(ref, { resolve, reject });
    });
  }
}
