// The reviewer workspace.  Every text from a catalog is inserted with textContent or as a form
// value, never as HTML.
"use strict";

const body = document.body;
const lang = body.dataset.lang;
const langTag = body.dataset.langTag;
const token = document.querySelector('meta[name="csrf-token"]').content;
const entries = JSON.parse(document.getElementById("entries-data").textContent);
const list = document.getElementById("entries");
const RTL = ["ar", "fa", "he", "ur", "ps", "yi", "dv"];
let current = 0;
let doneThisSession = 0;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function reviewer() { return localStorage.getItem("handouts-reviewer") || ""; }

function showReviewer() {
  const name = reviewer();
  document.getElementById("reviewer-form").hidden = !!name;
  document.getElementById("reviewer-known").hidden = !name;
  document.getElementById("reviewer-label").textContent = name;
}

function askReviewer() {
  document.getElementById("reviewer-form").hidden = false;
  document.getElementById("reviewer-known").hidden = true;
  document.getElementById("reviewer-name").focus();
}

function progress() {
  const approved = entries.filter((e) => e.state === "approved").length;
  document.getElementById("progress").textContent =
    `${approved} of ${entries.length} shown approved · ${doneThisSession} acted on in this session`;
}

function render(index) {
  const e = entries[index];
  const card = el("article", { class: "entry", tabindex: "-1", id: `entry-${index}`, "data-index": index });
  const head = el("header");
  head.append(el("span", {}, `[${index + 1}/${entries.length}]`));
  head.append(el("span", {}, e.documents.join(", ") + (e.section ? ` › ${e.section}` : "")));
  if (e.required) head.append(el("span", { class: "badge required" }, "REQUIRED"));
  head.append(el("span", { class: `badge state state-${e.state}` }, e.state));
  head.append(el("span", { class: "line" }, `line ${e.line}`));
  card.append(head);
  card.append(el("p", { class: "source", lang: "en", dir: "ltr" }, e.msgid));
  if (e.previous) card.append(el("p", { class: "previous", lang: "en" }, `Previous source: ${e.previous}`));
  // one text box per translation form: plural entries have one per plural form of the language
  for (const [k, form] of e.forms.entries()) {
    if (e.forms.length > 1) {
      card.append(el("p", { class: "form-label" }, `Form [${k}], used for ${form.label}: ${form.source}`));
    }
    const area = el("textarea", { lang: langTag, dir: RTL.includes(lang.split("_")[0]) ? "rtl" : "ltr",
                                  "aria-label": e.forms.length > 1 ? `translation, form ${k} (${form.label})` : "translation",
                                  "data-form": k });
    area.value = form.text;
    card.append(area);
  }
  if (e.mine !== undefined) card.append(el("p", { class: "mine" }, `Your unsaved text: ${e.mine}`));
  if (e.warnings.length) {
    const ul = el("ul", { class: "warnings" });
    for (const w of e.warnings) ul.append(el("li", {}, w));
    card.append(ul);
  }
  if (e.state === "approved" && !e.published) {
    card.append(el("p", { class: "blocked" },
      "Approved, but not published: it has check errors (above). A build shows the English instead, " +
      "or holds the document back if the entry is required."));
  }
  if (e.terms.length) {
    card.append(el("p", { class: "terms" }, "Glossary: " + e.terms.map((t) => `${t.term} → ${t.translation}`).join("; ")));
  }
  card.append(el("p", { class: "origin" }, `Origin: ${e.origin}`));
  if (e.back) {
    card.append(el("p", { class: "back" + (e.back.low ? " low" : ""), lang: "en" },
      `Back-translation (chrF ${e.back.chrf}${e.back.low ? ", below threshold: check carefully" : ""}): ${e.back.text}`));
  }
  const actions = el("p", { class: "actions" });
  for (const [action, label] of [["save", "Save (s)"], ["approve", "Approve (a)"],
                                 ["save-approve", "Save & approve (Ctrl+Enter)"], ["send-back", "Send back (f)"]]) {
    const button = el("button", { type: "button", "data-action": action }, label);
    button.addEventListener("click", () => act(index, action));
    actions.append(button);
  }
  card.append(actions);
  card.append(el("p", { class: "message", role: "status" }));
  card.addEventListener("focusin", () => focus(index, false));
  return card;
}

function renderAll() {
  list.replaceChildren(...entries.map((_, i) => render(i)));
  if (!entries.length) list.append(el("p", {}, "Nothing to review with this filter."));
  progress();
}

function focus(index, scroll = true) {
  if (!entries.length) return;
  current = Math.max(0, Math.min(entries.length - 1, index));
  document.querySelectorAll(".entry.current").forEach((n) => n.classList.remove("current"));
  const card = document.getElementById(`entry-${current}`);
  card.classList.add("current");
  if (scroll) { card.focus({ preventScroll: true }); card.scrollIntoView({ block: "nearest" }); }
}

async function act(index, action) {
  const e = entries[index];
  const card = document.getElementById(`entry-${index}`);
  const message = card.querySelector(".message");
  if ((action === "approve" || action === "save-approve") && !reviewer()) {
    message.className = "message error";
    message.textContent = "Enter your name first (top of the page).";
    askReviewer();
    return;
  }
  const forms = [...card.querySelectorAll("textarea")].map((area) => area.value);
  const text = forms.join("\n");
  const response = await fetch(`/api/${encodeURIComponent(lang)}/entry`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
    body: JSON.stringify({ action, msgctxt: e.msgctxt, msgid: e.msgid, forms,
                           digest: e.digest, reviewer: reviewer() }),
  });
  const data = await response.json();
  if (response.ok) {
    entries[index] = data.entry;
    doneThisSession += 1;
    const fresh = render(index);
    card.replaceWith(fresh);
    const note = fresh.querySelector(".message");
    note.className = "message ok";
    note.textContent = { save: "Saved.", approve: "Approved.", "save-approve": "Saved and approved.",
                         "send-back": "Sent back to the translator (fuzzy)." }[action];
    progress();
    focus(action === "save" ? index : index + 1);
  } else {
    if (data.entry) {
      entries[index] = data.entry;
      if (text !== data.entry.forms.map((f) => f.text).join("\n")) entries[index].mine = text;  // the reviewer's edit is not lost
      const fresh = render(index);
      card.replaceWith(fresh);
      focus(index);
      const note = fresh.querySelector(".message");
      note.className = "message error";
      note.textContent = data.error;
    } else {
      message.className = "message error";
      message.textContent = data.error || `Error ${response.status}`;
    }
  }
}

document.addEventListener("keydown", (event) => {
  const inText = event.target.tagName === "TEXTAREA" || event.target.tagName === "INPUT";
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); act(current, "save-approve"); return; }
  if (inText) {
    if (event.key === "Escape") { event.target.blur(); focus(current); }
    if (event.key === "s" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); act(current, "save"); }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const keys = {
    j: () => focus(current + 1), k: () => focus(current - 1),
    e: () => document.querySelector(`#entry-${current} textarea`).focus(),
    s: () => act(current, "save"), a: () => act(current, "approve"), f: () => act(current, "send-back"),
    p: () => window.open(document.querySelector(".preview-link").href, "_blank", "noopener"),
  };
  if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
});

document.getElementById("reviewer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = document.getElementById("reviewer-name").value.trim();
  if (name) localStorage.setItem("handouts-reviewer", name);
  showReviewer();
  focus(current);
});
document.getElementById("reviewer-change").addEventListener("click", askReviewer);

showReviewer();
renderAll();
focus(0);
