// The agent console: login, availability, lists, chat bar, chats, and the admin screens.
// All user text is put in the page as text nodes (dom.js): markup typed by a visitor never runs.
import { h, clear } from "/widget/dom.js";
import { api } from "./api.js";
import { AgentSocket } from "./socket.js";
import { ChatDesk } from "./chats.js";
import { adminScreens } from "./admin.js";
import { chatbotScreen } from "./chatbots.js";

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  channels: [],
  socket: null,
  desk: null,
  screen: "chats",
};

async function boot() {
  try {
    const me = await api("GET", "/api/me");
    start(me);
  } catch {
    showLogin();
  }
}

function showLogin() {
  $("console").classList.add("hidden");
  $("login").classList.remove("hidden");
  $("login-email").focus();
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  let body;
  try {
    body = await api("POST", "/api/auth/login", { email: $("login-email").value, password: $("login-password").value });
  } catch (err) {
    $("login-error").textContent = err.status === 429 ? "Too many attempts; try again later." : "E-mail or password is wrong.";
    return;
  }
  start(body.account);
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/api/auth/logout"); } catch { /* the session may be gone already */ }
  state.socket?.close();
  location.reload();
});

// Browser notifications: asked on this click, never on load (A8).
$("notify").addEventListener("click", async () => {
  if (!("Notification" in window)) { $("notify").textContent = "Notifications unsupported"; return; }
  const answer = await Notification.requestPermission();
  renderNotifyButton(answer);
});

function renderNotifyButton(permission) {
  const button = $("notify");
  button.classList.toggle("hidden", permission === "granted");
  button.textContent = permission === "denied" ? "Notifications blocked" : "Enable notifications";
}

$("availability").addEventListener("change", async (event) => {
  try { await state.socket.request({ type: "availability", availability: event.target.value }); }
  catch (err) { state.desk.flash(`Could not change availability: ${err.message}`); }
});

function start(me) {
  state.me = me;
  $("login").classList.add("hidden");
  $("console").classList.remove("hidden");
  $("me").textContent = `${me.display_name} (${me.role})`;
  renderNotifyButton(window.Notification ? Notification.permission : "denied");
  state.socket = new AgentSocket({ onFrame: frame, onState: connection });
  state.desk = new ChatDesk({ me, socket: state.socket });
  renderScreens();
  state.socket.connect();
}

function connection(status) {
  $("connection").textContent = { connecting: "Connecting\u2026", reconnecting: "Reconnecting\u2026", online: "", "signed-out": "Signed out" }[status] ?? "";
  $("console").dataset.connected = String(status === "online");
  if (status === "signed-out") showLogin();
}

function frame(f) {
  if (f.type === "welcome") {
    state.me = { ...state.me, ...f.agent };
    state.channels = f.channels || [];
  }
  if (f.type === "presence" && f.agent_id === state.me.id) $("availability").value = f.availability;
  state.desk.frame(f, state.channels);
}

function renderScreens() {
  const screens = [["chats", "Chats"]];
  if (state.me.role === "admin") screens.push(["channels", "Channels"], ["operators", "Operators"], ["groups", "Groups"], ["chatbots", "Chatbots"]);
  screens.push(["canned", "Canned responses"]);
  clear($("screens"));
  for (const [id, label] of screens) {
    $("screens").append(h("button", {
      type: "button", class: id === state.screen ? "active" : "", "data-screen": id,
      onclick: () => { state.screen = id; renderScreens(); },
    }, label));
  }
  const screen = clear($("screen"));
  if (state.screen === "chats") screen.append(state.desk.root);
  else if (state.screen === "chatbots") screen.append(chatbotScreen());
  else screen.append(adminScreens[state.screen]({ me: state.me, desk: state.desk }));
}

boot();
