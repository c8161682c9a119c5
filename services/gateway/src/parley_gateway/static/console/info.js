// The information panel (A13, A16, V8, B5, R4): visitor, status, notes, tags, expertise,
// chatbot answers, outcome, the routing decision.
import { h, safeUrl } from "/widget/dom.js";
import { api } from "./api.js";
import { newId } from "./chats.js";

function row(label, value) {
  return value === null || value === undefined || value === "" ? null : h("div", { class: "row" }, h("dt", {}, label), h("dd", {}, String(value)));
}

function link(url) {
  const href = safeUrl(url);
  return href ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, url) : url;
}

export function infoPanel(desk, c) {
  const v = c.visitor || {};
  const mine = desk.participant(c);
  const notes = [...(desk.events.get(c.id) || new Map()).values()].filter((f) => f.kind === "note");
  const panel = h("div", { class: "panel", "data-conversation": c.id },
    h("h2", {}, "Information"),
    h("dl", {},
      row("Visitor", v.name), row("E-mail", v.email), row("Customer id", v.customer_id),
      row("Country", v.country), row("Language", v.language), row("Channel", c.channel_id),
      row("Status", c.status || (c.lifecycle === "active" ? "in_progress" : c.lifecycle)),
      row("Expertise", (c.expertise || []).join(", ")), row("Outcome", c.outcome),
      row("Rating", c.rating ? `${c.rating.value}${c.rating.comment ? ` \u2013 ${c.rating.comment}` : ""}` : null),
      row("Widget", v.minimized === undefined || v.minimized === null ? null : v.minimized ? "minimised" : "open"),
      row("Browser", v.user_agent), row("Address", v.ip)),
    v.page_url ? h("p", { class: "page" }, "On ", link(v.page_url)) : null,
    (v.pages || []).length ? h("details", {}, h("summary", {}, `Pages visited (${v.pages.length})`),
      h("ol", {}, v.pages.map((p) => h("li", {}, link(p.url), p.title ? ` \u2013 ${p.title}` : "")))) : null,
    (c.bot_answers || []).length ? h("section", {}, h("h3", {}, "Chatbot answers"),
      h("dl", { class: "bot-answers" }, c.bot_answers.map((a) => row(a.question, a.answer)))) : null);

  if (mine) {
    const title = h("input", { value: c.title || "", placeholder: "Chat title", "aria-label": "Title" });
    const tag = h("input", { placeholder: "Add a tag", "aria-label": "Add a tag" });
    const note = h("textarea", { rows: 2, placeholder: "Internal note", "aria-label": "Note" });
    panel.append(
      h("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); desk.act({ type: "rename", conversation_id: c.id, title: title.value.trim() }); } },
        title, h("button", { type: "submit" }, "Rename")),
      h("div", { class: "tags" }, (c.tags || []).map((t) => h("span", { class: "tag" }, t,
        h("button", { type: "button", "aria-label": `Remove ${t}`, onclick: () => desk.act({ type: "tag", conversation_id: c.id, remove: [t] }) }, "\u00d7")))),
      h("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); if (tag.value.trim()) desk.act({ type: "tag", conversation_id: c.id, add: [tag.value.trim()] }); } },
        tag, h("button", { type: "submit" }, "Tag")),
      h("h3", {}, "Notes"),
      h("ul", { class: "notes" }, notes.map((n) => h("li", {}, h("small", {}, n.actor.display_name), " ", n.payload.text))),
      h("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); if (note.value.trim()) desk.act({ type: "note", conversation_id: c.id, client_message_id: newId(), text: note.value.trim() }); } },
        note, h("button", { type: "submit" }, "Add note")));
  }

  const routing = h("div", { class: "routing" });
  panel.append(h("h3", {}, "Routing"), h("button", { type: "button", class: "link", onclick: () => loadRouting(desk, c.id, routing) }, "Why did this chat go where it went?"), routing);
  return panel;
}

async function loadRouting(desk, id, target) {
  target.replaceChildren("Loading\u2026");
  try {
    const decisions = await api("GET", `/api/conversations/${encodeURIComponent(id)}/routing`);
    if (!decisions.length) { target.replaceChildren("No routing decision yet."); return; }
    const name = (id) => desk.operators.find((o) => o.profile.agent_id === id)?.profile.chat_name || id;
    target.replaceChildren(...decisions.map((d) => h("div", { class: "decision" },
      h("strong", {}, `${d.kind}${d.agent_ids.length ? ` \u2192 ${d.agent_ids.map(name).join(", ")}` : ""}`),
      h("div", {}, `Rule ${d.decision.rule}: ${d.decision.explanation}`),
      h("ul", {}, (d.decision.candidates || []).map((v) => h("li", {}, `${name(v.agent_id)}: ${v.eligible ? "eligible" : "excluded"}${v.score != null ? ` (score ${v.score})` : ""}${v.reasons.length ? ` \u2013 ${v.reasons.join("; ")}` : ""}`))))));
  } catch (err) {
    target.replaceChildren(err.status === 503 ? "The routing service is not answering." : `Could not load: ${err.message}`);
  }
}
