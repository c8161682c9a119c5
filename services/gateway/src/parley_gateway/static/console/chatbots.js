// Chatbot scripts (B1-B4): the list, an editor with a step list and the JSON document
// (docs/chatbot.md) kept in step, the validator's problems beside them, save / delete, and a test
// mode that replays the visitor's inputs against the script being edited and shows their view.
import { h, clear } from "/widget/dom.js";
import { api } from "./api.js";

const STEP_TYPES = ["text", "question", "email", "phone", "forward_to_operator", "free_input", "create_lead", "create_ticket"];
const FORMAT = "parley.chatbot-script/1";
const path = (id, rest = "") => `/api/chatbot-scripts/${encodeURIComponent(id)}${rest}`;
const list = (value) => value.split(",").map((s) => s.trim()).filter(Boolean);

// Problems from an API error: the validator's list (422 on save) or the request's own checks.
function problemsOf(err) {
  const body = err.body || {};
  if (Array.isArray(body.problems) && body.problems.length) return body.problems;
  const extra = Array.isArray(body.extra) ? body.extra : [];
  const details = extra.map((e) => `${e.key ? `${e.key}: ` : ""}${e.message}`).join("; ");
  return [{ code: "invalid_document", severity: "error", message: details || err.message }];
}

export function chatbotScreen() {
  const error = h("p", { class: "error", role: "alert" });
  const scripts = h("ul", { class: "script-list" });
  const editorHost = h("div", { class: "script-editor-host" }, h("p", { class: "empty" }, "Pick a script, or create one."));
  const newId = h("input", { placeholder: "new-script-id", "aria-label": "New script id", required: true, pattern: "[A-Za-z0-9._:@-]+" });
  let current = null;

  async function loadList(selected) {
    try {
      const body = await api("GET", "/api/chatbot-scripts");
      clear(scripts).append(...body.scripts.map((s) => h("li", {},
        h("button", { type: "button", class: `link ${s.id === selected ? "active" : ""}`, "data-script": s.id, onclick: () => open(s.id) }, s.name),
        h("small", {}, `${s.id} \u00b7 ${s.step_count} steps`))));
      if (!body.scripts.length) scripts.append(h("li", { class: "empty" }, "No scripts yet."));
    } catch (err) {
      error.textContent = err.status === 503 ? "The chatbot service is not answering." : `Could not list the scripts: ${err.message}`;
    }
  }

  async function open(id) {
    error.textContent = "";
    try {
      const doc = await api("GET", path(id));
      show(doc, true);
      loadList(id);
    } catch (err) { error.textContent = `Could not open ${id}: ${err.message}`; }
  }

  function show(doc, saved) {
    current = new ScriptEditor(doc, { saved, onSaved: (id) => loadList(id), onDeleted: () => { current = null; clear(editorHost).append(h("p", { class: "empty" }, "Deleted.")); loadList(); } });
    clear(editorHost).append(current.root);
  }

  const create = h("form", { class: "inline new-script", onsubmit: (e) => {
    e.preventDefault();
    const id = newId.value.trim();
    if (!id) return;
    show({ format: FORMAT, id, name: id, steps: [{ id: "hello", type: "text", text: "Hello! How can I help?" }] }, false);
    newId.value = "";
  } }, newId, h("button", { type: "submit" }, "New script"));

  loadList();
  return h("section", { class: "admin chatbots" }, h("h1", {}, "Chatbot scripts"), error,
    h("div", { class: "bot-grid" }, h("aside", { class: "scripts" }, create, scripts), editorHost));
}

class ScriptEditor {
  constructor(doc, { saved, onSaved, onDeleted }) {
    this.doc = doc;
    this.onSaved = onSaved;
    this.onDeleted = onDeleted;
    this.problems = [];
    this.inputs = [];
    this.view = "steps";
    this.status = h("span", { class: "save-state", "data-state": saved ? "saved" : "unsaved" }, saved ? "Saved" : "Not saved yet");
    this.problemList = h("ul", { class: "problems", "aria-label": "Problems", "aria-live": "polite" });
    this.json = h("textarea", { class: "code script-json", rows: 28, spellcheck: false, "aria-label": "Script document (JSON)" });
    this.json.value = JSON.stringify(doc, null, 2);
    this.json.addEventListener("input", () => this.fromJson());
    this.steps = h("ol", { class: "steps" });
    this.stepsView = h("div", { class: "steps-view" }, this.steps,
      h("button", { type: "button", "data-action": "add-step", onclick: () => this.change(() => this.doc.steps.push({ id: this.freshId("step"), type: "text", text: "" }), true) }, "Add step"));
    this.jsonView = h("div", { class: "json-view hidden" }, this.json);
    this.name = h("input", { value: doc.name || "", "aria-label": "Bot name" });
    this.name.addEventListener("input", () => this.change(() => { this.doc.name = this.name.value; }));
    this.tabs = h("div", { class: "view-tabs", role: "tablist" },
      ...[["steps", "Steps"], ["json", "JSON"]].map(([v, label]) => h("button", { type: "button", role: "tab", "data-view": v, class: v === this.view ? "active" : "", onclick: () => this.switchView(v) }, label)));
    this.test = new TestPanel(this);
    this.root = h("div", { class: "script-editor", "data-script": doc.id },
      h("div", { class: "editor-main" },
        h("header", { class: "editor-head" },
          h("h2", {}, doc.id), h("label", { class: "field" }, "Bot name", this.name),
          h("div", { class: "editor-actions" },
            h("button", { type: "button", "data-action": "validate", onclick: () => this.validate() }, "Validate"),
            h("button", { type: "button", class: "primary", "data-action": "save", onclick: () => this.save() }, "Save"),
            h("button", { type: "button", "data-action": "delete", onclick: () => this.remove() }, "Delete"),
            this.status)),
        h("section", { class: "problems-box" }, h("h3", {}, "Problems"), this.problemList),
        this.tabs, this.stepsView, this.jsonView),
      this.test.root);
    this.renderSteps();
    this.validate();
  }

  // ---- the document ----------------------------------------------------------------------

  freshId(prefix) {
    const ids = new Set(this.doc.steps.map((s) => s.id));
    let n = this.doc.steps.length + 1;
    while (ids.has(`${prefix}-${n}`)) n += 1;
    return `${prefix}-${n}`;
  }

  // Apply an edit from the step list; structural edits redraw the list (field edits keep focus).
  change(edit, redraw = false) {
    edit();
    this.json.value = JSON.stringify(this.doc, null, 2);
    this.dirty();
    if (redraw) this.renderSteps();
  }

  fromJson() {
    let doc;
    try { doc = JSON.parse(this.json.value); }
    catch (err) {
      this.showProblems([{ code: "invalid_json", severity: "error", message: `Not valid JSON: ${err.message}` }]);
      return;
    }
    if (!doc || typeof doc !== "object" || !Array.isArray(doc.steps)) {
      this.showProblems([{ code: "invalid_document", severity: "error", message: "The document needs a \"steps\" list." }]);
      return;
    }
    this.doc = doc;
    this.name.value = doc.name || "";
    this.renderSteps();
    this.dirty();
  }

  dirty() {
    this.status.textContent = "Unsaved changes";
    this.status.dataset.state = "unsaved";
    clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => this.validate(), 400);
  }

  switchView(view) {
    this.view = view;
    for (const tab of this.tabs.children) tab.classList.toggle("active", tab.dataset.view === view);
    this.stepsView.classList.toggle("hidden", view !== "steps");
    this.jsonView.classList.toggle("hidden", view !== "json");
  }

  // ---- validation, save, delete ----------------------------------------------------------

  async validate() {
    clearTimeout(this.validateTimer);
    const asked = JSON.stringify(this.doc);
    try {
      const reply = await api("POST", "/api/chatbot-scripts/validate", this.doc);
      if (asked === JSON.stringify(this.doc)) this.showProblems(reply.problems);
    } catch (err) {
      if (asked === JSON.stringify(this.doc)) this.showProblems(problemsOf(err));
    }
  }

  showProblems(problems) {
    this.problems = problems;
    clear(this.problemList);
    if (!problems.length) this.problemList.append(h("li", { class: "ok" }, "No problems found."));
    for (const p of problems) {
      const where = [p.step_id && `step ${p.step_id}`, p.answer_id && `answer ${p.answer_id}`].filter(Boolean).join(", ");
      this.problemList.append(h("li", { class: `problem ${p.severity}`, "data-code": p.code, "data-step": p.step_id || "" },
        h("span", { class: "severity" }, p.severity), " ", h("code", {}, p.code), where ? ` (${where})` : "", ": ", p.message,
        p.step_id ? h("button", { type: "button", class: "link", onclick: () => this.reveal(p.step_id) }, "Show") : null));
    }
    for (const card of this.steps.children) {
      const mine = problems.filter((p) => p.step_id === card.dataset.step);
      card.classList.toggle("has-error", mine.some((p) => p.severity === "error"));
      card.classList.toggle("has-warning", mine.some((p) => p.severity === "warning"));
    }
  }

  reveal(stepId) {
    this.switchView("steps");
    const card = [...this.steps.children].find((c) => c.dataset.step === stepId);
    if (card) { card.scrollIntoView({ block: "center" }); card.querySelector("input, select, textarea")?.focus(); }
  }

  async save() {
    try {
      const reply = await api("PUT", path(this.doc.id), this.doc);
      this.status.textContent = "Saved";
      this.status.dataset.state = "saved";
      this.showProblems(reply.problems || []);
      this.onSaved(this.doc.id);
    } catch (err) {
      this.status.textContent = err.status === 422 ? "Not saved: fix the errors first" : `Not saved: ${err.message}`;
      this.status.dataset.state = "refused";
      this.showProblems(problemsOf(err));
    }
  }

  async remove() {
    if (!confirm(`Delete the script ${this.doc.id}? Chats running it finish with their copy.`)) return;
    try { await api("DELETE", path(this.doc.id)); this.onDeleted(); }
    catch (err) { this.status.textContent = `Not deleted: ${err.message}`; this.status.dataset.state = "refused"; }
  }

  // ---- the step list ---------------------------------------------------------------------

  renderSteps() {
    clear(this.steps).append(...this.doc.steps.map((step, index) => this.stepCard(step, index)));
    if (this.problems.length) this.showProblems(this.problems);
  }

  stepCard(step, index) {
    const steps = this.doc.steps;
    const move = (by) => this.change(() => { steps.splice(index, 1); steps.splice(index + by, 0, step); }, true);
    const input = (value, onInput, props = {}) => {
      const node = h("input", { value: value ?? "", ...props });
      node.addEventListener("input", () => this.change(() => onInput(node.value)));
      return node;
    };
    const text = h("textarea", { rows: 2, "aria-label": "Text" }, step.text || "");
    text.addEventListener("input", () => this.change(() => { step.text = text.value; }));
    const type = h("select", { "aria-label": "Type", "data-field": "type", onchange: (e) => this.change(() => { step.type = e.target.value; }, true) },
      STEP_TYPES.map((t) => h("option", { value: t, selected: step.type === t }, t.replaceAll("_", " "))));
    const card = h("li", { class: "step", "data-step": step.id, "data-type": step.type },
      h("div", { class: "step-head" },
        h("span", { class: "step-number" }, String(index + 1)),
        input(step.id, (v) => { step.id = v; card.dataset.step = v; }, { "aria-label": "Step id", class: "step-id", "data-field": "id" }),
        type,
        h("span", { class: "step-tools" },
          h("button", { type: "button", "aria-label": "Move up", disabled: index === 0, onclick: () => move(-1) }, "\u2191"),
          h("button", { type: "button", "aria-label": "Move down", disabled: index === steps.length - 1, onclick: () => move(1) }, "\u2193"),
          h("button", { type: "button", "aria-label": "Remove step", onclick: () => this.change(() => steps.splice(index, 1), true) }, "\u00d7"))),
      h("label", { class: "field" }, "Text", text));

    if (step.type === "question") card.append(this.answersEditor(step));
    if (step.type === "forward_to_operator") {
      card.append(h("label", { class: "field" }, "Expertise first (comma separated)",
        input((step.expertise || []).join(", "), (v) => { step.expertise = list(v); }, { placeholder: "sales, billing" })));
      const fallback = h("input", { type: "checkbox", checked: step.fallback_to_any_operator !== false });
      fallback.addEventListener("change", () => this.change(() => { step.fallback_to_any_operator = fallback.checked; }));
      card.append(h("label", { class: "field check" }, fallback, " then any available operator"));
    }
    if (step.type === "free_input") {
      const multi = h("input", { type: "checkbox", checked: !!step.multi_line });
      multi.addEventListener("change", () => this.change(() => { step.multi_line = multi.checked; }));
      card.append(h("label", { class: "field check" }, multi, " several messages are one answer"));
    }
    if (step.type === "create_lead" || step.type === "create_ticket") {
      card.append(h("label", { class: "field" }, "Title", input(step.title, (v) => { step.title = v || null; }, { placeholder: "<visitor>: <bot name>" })));
    }
    if (step.type === "create_ticket") {
      card.append(h("label", { class: "field" }, "Labels", input((step.labels || []).join(", "), (v) => { step.labels = list(v); })));
    }
    card.append(this.conditionsEditor(step));
    return card;
  }

  answersEditor(step) {
    step.answers = step.answers || [];
    const rows = step.answers.map((answer, i) => {
      const cell = (key, label, props = {}) => {
        const node = h("input", { value: answer[key] ?? "", "aria-label": label, placeholder: label, ...props });
        node.addEventListener("input", () => this.change(() => { answer[key] = node.value || (key === "url" ? null : ""); }));
        return node;
      };
      return h("li", { class: "answer", "data-answer": answer.id },
        cell("id", "Answer id", { class: "answer-id" }), cell("label", "Label"), cell("url", "Link (optional)", { type: "url" }),
        h("button", { type: "button", "aria-label": "Remove answer", onclick: () => this.change(() => step.answers.splice(i, 1), true) }, "\u00d7"));
    });
    return h("div", { class: "answers" }, h("h4", {}, "Answers"), h("ul", {}, rows),
      h("button", { type: "button", class: "link", "data-action": "add-answer", onclick: () => this.change(() => step.answers.push({ id: `a${step.answers.length + 1}`, label: "" }), true) }, "Add answer"));
  }

  // "Only if" conditions (B2): pick a question, tick its answers.
  conditionsEditor(step) {
    step.only_if = step.only_if || [];
    const questions = this.doc.steps.filter((s) => s.type === "question" && s !== step);
    const rows = step.only_if.map((cond, i) => {
      const question = questions.find((q) => q.id === cond.step_id);
      const pick = h("select", { "aria-label": "Question", "data-field": "condition-step", onchange: (e) => this.change(() => { cond.step_id = e.target.value; cond.answer_ids = []; }, true) },
        h("option", { value: "" }, "Question\u2026"),
        questions.map((q) => h("option", { value: q.id, selected: q.id === cond.step_id }, q.id)),
        question || !cond.step_id ? null : h("option", { value: cond.step_id, selected: true }, `${cond.step_id} (not a question)`));
      const boxes = (question?.answers || []).map((a) => {
        const box = h("input", { type: "checkbox", value: a.id, checked: (cond.answer_ids || []).includes(a.id) });
        box.addEventListener("change", () => this.change(() => {
          const chosen = new Set(cond.answer_ids || []);
          if (box.checked) chosen.add(a.id); else chosen.delete(a.id);
          cond.answer_ids = (question.answers || []).map((x) => x.id).filter((x) => chosen.has(x));
        }));
        return h("label", { class: "answer-check" }, box, ` ${a.label || a.id}`);
      });
      return h("li", { class: "condition" }, pick, " is ", boxes.length ? boxes : h("em", {}, "pick a question"),
        h("button", { type: "button", "aria-label": "Remove condition", onclick: () => this.change(() => step.only_if.splice(i, 1), true) }, "\u00d7"));
    });
    return h("div", { class: "conditions" },
      h("h4", {}, "Only if", h("small", {}, " (answers of one question: any; different questions: all)")),
      rows.length ? h("ul", {}, rows) : h("p", { class: "empty" }, "Always"),
      h("button", { type: "button", class: "link", "data-action": "add-condition", onclick: () => this.change(() => step.only_if.push({ step_id: "", answer_ids: [] }), true) }, "Add condition"));
  }
}

// Test mode (B3): the visitor's view of the script being edited (saved or not). The chatbot
// replays every input from the start on each run, so a run is a pure function of the inputs.
class TestPanel {
  constructor(editor) {
    this.editor = editor;
    this.inputs = [];
    this.view = h("div", { class: "test-view", "aria-live": "polite" }, h("p", { class: "empty" }, "Run the script to see what a visitor sees."));
    this.state = h("p", { class: "test-state" });
    this.operator = h("input", { type: "checkbox", "data-field": "operator-available" });
    this.text = h("input", { placeholder: "Type as the visitor", "aria-label": "Visitor's message" });
    this.root = h("aside", { class: "script-test" },
      h("h3", {}, "Test mode"),
      h("div", { class: "test-tools" },
        h("button", { type: "button", class: "primary", "data-action": "run-test", onclick: () => { this.inputs = []; this.run(); } }, "Run from the start"),
        h("label", {}, this.operator, " an operator is available")),
      this.view, this.state,
      h("form", { class: "inline test-input", onsubmit: (e) => {
        e.preventDefault();
        if (!this.text.value.trim()) return;
        this.inputs.push({ text: this.text.value.trim() });
        this.text.value = "";
        this.run();
      } }, this.text, h("button", { type: "submit" }, "Send")));
  }

  async run() {
    const doc = this.editor.doc;
    try {
      const reply = await api("POST", path(doc.id, "/test"), { script: doc, inputs: this.inputs, operator_available: this.operator.checked });
      this.render(reply);
    } catch (err) {
      clear(this.view).append(h("p", { class: "error" }, `The test could not run: ${problemsOf(err).map((p) => p.message).join("; ")}`));
      this.state.textContent = "";
    }
  }

  render(reply) {
    const lines = reply.messages;
    const last = lines.length - 1;
    clear(this.view).append(...lines.map((line, i) => h("div", { class: `line ${line.speaker}` },
      line.speaker === "note" ? h("em", {}, line.text) : h("div", { class: "text" }, line.text),
      line.choices.length ? h("div", { class: "choices" }, line.choices.map((c) => h("button", {
        type: "button", class: "choice", disabled: i !== lastWithChoices(lines) || reply.handed_over,
        title: c.url || "", onclick: () => { this.inputs.push({ choice_id: c.id }); this.run(); },
      }, c.label, c.url ? " \u2197" : ""))) : null)));
    this.state.textContent = reply.ended ? "The script ended (the visitor is offered a restart)."
      : reply.handed_over ? "Handed over to an operator: the bot has left."
        : reply.waiting_for_step_id ? `Waiting for the visitor's answer to step ${reply.waiting_for_step_id}.` : "";
    this.view.scrollTop = this.view.scrollHeight;
    if (last < 0) this.view.append(h("p", { class: "empty" }, "The bot says nothing."));
  }
}

function lastWithChoices(lines) {
  for (let i = lines.length - 1; i >= 0; i -= 1) if (lines[i].choices.length) return i;
  return -1;
}
