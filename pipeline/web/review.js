// The reviewer workspace.  Every text from a catalog is inserted with textContent or as a form
// value, never as HTML; every piece of translated text carries the language's lang and dir.
"use strict";

const body = document.body;
const lang = body.dataset.lang;
const langTag = body.dataset.langTag;
const dir = body.dataset.dir;
const langEnglish = body.dataset.langEnglish;
const total = Number(body.dataset.total);
const token = document.querySelector('meta[name="csrf-token"]').content;
const entries = JSON.parse(document.getElementById("entries-data").textContent);
const counts = JSON.parse(document.getElementById("counts-data").textContent);
const list = document.getElementById("entries");
const header = document.getElementById("top");
let current = 0;
let doneThisSession = 0;
let lastUndo = null;  // {id, index, what}: the last action of this page, which `u` undoes
let backSince = 0;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function translated(tag, text, attrs = {}) {  // a piece of text in the catalog's language
  return el(tag, { lang: langTag, dir, ...attrs }, text);
}

function english(tag, text, attrs = {}) {
  return el(tag, { lang: "en", dir: "ltr", ...attrs }, text);
}

function shorten(text, n = 80) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

function reviewer() { return localStorage.getItem("handouts-reviewer") || ""; }

function showReviewer() {
  const name = reviewer();
  document.getElementById("reviewer-form").hidden = !!name;
  document.getElementById("reviewer-known").hidden = !name;
  document.getElementById("reviewer-label").textContent = name;
  fitHeader();
}

function askReviewer() {
  document.getElementById("reviewer-form").hidden = false;
  document.getElementById("reviewer-known").hidden = true;
  fitHeader();
  document.getElementById("reviewer-name").focus();
}

function progress() {
  document.getElementById("progress").textContent =
    `${counts.approved} of ${total} approved · ${entries.length} shown · ${doneThisSession} acted on in this session`;
  const back = document.getElementById("back-progress");
  if (body.dataset.back === "yes") {
    const wanted = entries.filter((e) => e.back_key);
    const ready = wanted.filter((e) => e.back).length;
    back.textContent = `· Back-translations: ${ready} of ${wanted.length} ready` + (ready < wanted.length ? " (in progress)" : "");
  }
}

// The sticky header never covers the current entry: scrolling keeps clear of its height.
function fitHeader() {
  const sticky = getComputedStyle(header).position === "sticky";
  document.documentElement.style.scrollPaddingTop = sticky ? `${header.offsetHeight + 8}px` : "0px";
}

// Quoted parts of a check message that come from the translation are marked as such.
function message(text, e) {
  const node = english("li", "");
  const texts = [...e.forms.map((f) => f.text), ...e.terms.map((t) => t.translation || "")];
  for (const part of text.split(/('[^']+'|"[^"]+")/)) {
    const inner = part.slice(1, -1);
    if (/^['"]/.test(part) && inner && texts.some((t) => t.includes(inner))) {
      node.append(part[0], translated("span", inner), part[0]);
    } else node.append(part);
  }
  return node;
}

function boxLabel(e, k) {
  const what = `${langEnglish} translation of: ${shorten(e.msgid)}` + (e.msgctxt ? ` (context: ${e.msgctxt})` : "");
  return e.forms.length > 1 ? `${what}, form ${k} (${e.forms[k].label})` : what;
}

function diffLine(e) {
  const p = english("p", "", { class: "diff" });
  p.append(el("strong", {}, "English changed since it was translated: "));
  for (const [mark, text] of e.diff) {
    p.append(mark === " " ? text : el(mark === "-" ? "del" : "ins", {}, text));
  }
  p.append(el("span", { class: "legend" }, " (struck through: removed; underlined: added)"));
  return p;
}

function backLine(e) {
  if (e.back) {
    return english("p", `Back-translation (chrF ${e.back.chrf}${e.back.low ? ", below threshold: check carefully" : ""}): ${e.back.text}`,
                   { class: "back" + (e.back.low ? " low" : "") });
  }
  if (e.back_key && body.dataset.back === "yes") return english("p", "Back-translation: in progress…", { class: "back pending" });
  return null;
}

function changed(card, e) {
  return [...card.querySelectorAll("textarea.translation")].some((area, k) => area.value !== e.forms[k].text);
}

function render(index) {
  const e = entries[index];
  const id = `entry-${index}`;
  const card = el("article", { class: "entry", tabindex: "-1", id, "data-index": index, "aria-labelledby": `${id}-source` });
  const head = el("header");
  head.append(el("span", {}, `[${index + 1}/${entries.length}]`));
  head.append(english("span", e.documents.join(", ") + (e.section ? ` › ${e.section}` : "")));
  if (e.required) head.append(el("span", { class: "badge required" }, "REQUIRED"));
  head.append(el("span", { class: `badge state state-${e.state}` }, e.state));
  head.append(el("span", { class: "line" }, `line ${e.line}`));
  if (e.msgctxt) head.append(el("span", {}, `context: ${e.msgctxt}`));
  card.append(head);
  card.append(english("p", e.msgid, { class: "source", id: `${id}-source` }));
  if (e.diff) card.append(diffLine(e));
  else if (e.previous) card.append(english("p", `Previous source: ${e.previous}`, { class: "previous" }));
  // one text box per translation form: plural entries have one per plural form of the language
  for (const [k, form] of e.forms.entries()) {
    if (e.forms.length > 1) card.append(el("p", { class: "form-label" }, `Form [${k}], used for ${form.label}: ${form.source}`));
    const area = translated("textarea", null, { class: "translation", "aria-label": boxLabel(e, k), "data-form": k });
    area.value = form.text;
    area.addEventListener("input", () => edited(index));
    card.append(area);
  }
  const restale = el("p", { class: "note restale", hidden: "" },
    "You are changing an approved translation: once saved, it will need approval again (Save & approve does both).");
  card.append(restale);
  if (e.mine !== undefined) {
    const mine = el("p", { class: "mine" });
    mine.append(el("strong", {}, "Your unsaved text: "), translated("span", e.mine));
    card.append(mine);
  }
  if (e.errors.length) {
    card.append(el("p", { class: "cannot-approve", id: `${id}-why` },
      "Cannot be approved: it has check errors (below), and an entry with check errors is never published. " +
      "Fix the text, then Save & approve."));
  }
  if (e.warnings.length) {
    const ul = el("ul", { class: "warnings", "aria-label": "check findings" });
    for (const w of e.warnings) ul.append(message(w, e));
    card.append(ul);
  }
  if (e.state === "approved" && !e.published) {
    card.append(el("p", { class: "blocked" },
      "Approved, but not published: it has check errors (above). A build shows the English instead, " +
      "or holds the document back if the entry is required."));
  }
  if (e.terms.length) {
    const terms = el("p", { class: "terms" }, "Glossary: ");
    e.terms.forEach((t, k) => {
      if (k) terms.append("; ");
      terms.append(english("span", t.term), " → ");
      terms.append(t.translation === null ? el("span", {}, "(keep as written)") : translated("span", t.translation || "(none given)"));
    });
    card.append(terms);
  }
  card.append(el("p", { class: "origin" }, `Origin: ${e.origin}`));
  const back = backLine(e);
  if (back) card.append(back);
  card.append(notesBox(index));
  card.append(historyBox(index));
  const actions = el("p", { class: "actions" });
  for (const [action, label] of [["save", "Save (s)"], ["approve", "Approve (a)"],
                                 ["save-approve", "Save & approve (Ctrl+Enter)"], ["send-back", "Send back (f)"]]) {
    const button = el("button", { type: "button", "data-action": action }, label);
    if (e.errors.length && action.includes("approve")) {
      button.disabled = true;
      button.setAttribute("aria-describedby", `${id}-why`);
    }
    button.addEventListener("click", () => request(index, action));
    actions.append(button);
  }
  card.append(actions);
  card.append(el("div", { class: "confirm", hidden: "" }));
  card.append(el("p", { class: "message", role: "status" }));
  card.addEventListener("focusin", () => focus(index, false));
  return card;
}

function notesBox(index) {
  const e = entries[index];
  const box = el("div", { class: "notes" });
  if (e.notes) {
    box.append(el("p", { class: "notes-title" }, "Translator comments:"));
    const shown = el("ul", { class: "notes-text" });
    for (const line of e.notes.split("\n")) shown.append(el("li", { dir: "auto" }, line));
    box.append(shown);
  }
  const edit = el("button", { type: "button", class: "edit-notes" }, e.notes ? "Edit comments" : "Add a translator comment");
  edit.addEventListener("click", () => {  // the editor is made on demand: a card's only text boxes are its translation
    const area = el("textarea", { class: "comments", dir: "auto", "aria-label": `Translator comments on: ${shorten(e.msgid)}` });
    area.value = e.notes;
    const save = el("button", { type: "button", "data-action": "comment" }, "Save comments");
    save.addEventListener("click", () => act(index, "comment"));
    const hint = el("p", { class: "hint" },
      "One comment per line, for translators and reviewers. Comments are not part of the approval, so saving " +
      "them leaves it valid; a numbers: note is the exception (the approval covers it).");
    edit.replaceWith(hint, area, save);
    area.focus();
  });
  box.append(edit);
  return box;
}

function historyBox(index) {
  const box = el("details", { class: "history" });
  box.append(el("summary", {}, "History"));
  const out = el("div", { "aria-live": "polite" });
  box.append(out);
  box.addEventListener("toggle", async () => {
    if (!box.open || box.dataset.loaded) return;
    box.dataset.loaded = "yes";
    out.textContent = "Reading the history from git…";
    const e = entries[index];
    const query = new URLSearchParams({ msgid: e.msgid });
    if (e.msgctxt !== null) query.set("msgctxt", e.msgctxt);
    const response = await fetch(`/api/${encodeURIComponent(lang)}/history?${query}`, { headers: { "X-CSRF-Token": token } });
    const data = await response.json();
    out.replaceChildren();
    if (!response.ok) { out.append(el("p", { class: "message error" }, data.error)); return; }
    if (data.note) out.append(el("p", {}, `Note: ${data.note}.`));
    if (!data.available) return;
    if (!data.events.length) { out.append(el("p", {}, "No commit has changed this entry yet.")); return; }
    const ul = el("ul");
    for (const event of data.events) {
      ul.append(el("li", {}, `${event.date.slice(0, 16).replace("T", " ")} · ${event.author}: ` +
        `${event.changes.join("; ") || "other lines of the entry changed"} — “${event.subject}” (${event.commit})`));
    }
    out.append(ul);
  });
  return box;
}

function edited(index) {
  const e = entries[index];
  const card = document.getElementById(`entry-${index}`);
  const dirty = changed(card, e);
  card.querySelector(".restale").hidden = !(dirty && e.state === "approved");
  const saveApprove = card.querySelector('button[data-action="save-approve"]');
  if (e.errors.length) saveApprove.disabled = !dirty;  // a new text may fix the errors: the server checks it
}

function renderAll() {
  list.replaceChildren(...entries.map((_, i) => render(i)));
  if (!entries.length) list.append(el("p", {}, "Nothing to review with this filter."));
  progress();
}

function visible(card) {
  const box = card.getBoundingClientRect();
  const top = getComputedStyle(header).position === "sticky" ? header.getBoundingClientRect().bottom : 0;
  return box.top >= top - 1 && box.top < window.innerHeight - 40;
}

function focus(index, scroll = true) {
  if (!entries.length) return;
  current = Math.max(0, Math.min(entries.length - 1, index));
  document.querySelectorAll(".entry.current").forEach((n) => n.classList.remove("current"));
  const card = document.getElementById(`entry-${current}`);
  card.classList.add("current");
  if (scroll) { card.focus({ preventScroll: true }); card.scrollIntoView({ block: "nearest" }); if (!visible(card)) card.scrollIntoView({ block: "start" }); }
}

function say(index, text, kind = "ok") {
  const note = document.getElementById(`entry-${index}`).querySelector(".message");
  note.className = `message ${kind}`;
  note.textContent = text;
}

// Approving asks for confirmation first where the CLI would (pipeline.review.approval_confirmation).
function request(index, action) {
  const e = entries[index];
  const card = document.getElementById(`entry-${index}`);
  if (action.includes("approve") && e.errors.length && !(action === "save-approve" && changed(card, e))) {
    say(index, "Cannot be approved: it has check errors. Fix the text first.", "error");
    return;
  }
  if (action.includes("approve") && e.confirm.length) { confirmBox(index, action, e.confirm); return; }
  act(index, action);
}

function confirmBox(index, action, reasons) {
  const e = entries[index];
  const card = document.getElementById(`entry-${index}`);
  const box = card.querySelector(".confirm");
  box.replaceChildren(el("p", {}, "Approve this entry? It needs your confirmation:"));
  const ul = el("ul");
  for (const reason of reasons) ul.append(el("li", {}, reason));
  box.append(ul);
  if (e.diff) box.append(diffLine(e));
  const yes = el("button", { type: "button", class: "confirm-yes" }, "Confirm approval");
  const no = el("button", { type: "button", class: "confirm-no" }, "Cancel");
  yes.addEventListener("click", () => { box.hidden = true; act(index, action, true); });
  no.addEventListener("click", () => { box.hidden = true; focus(index); });
  box.append(yes, " ", no);
  box.hidden = false;
  yes.focus();
}

async function post(payload) {
  const response = await fetch(`/api/${encodeURIComponent(lang)}/entry`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
    body: JSON.stringify(payload),
  });
  let data;
  try { data = await response.json(); } catch { data = { error: `Error ${response.status}` }; }
  return [response, data];
}

const DONE = { save: "Saved.", approve: "Approved.", "save-approve": "Saved and approved.",
               "send-back": "Sent back to the translator (fuzzy).", comment: "Comments saved." };

async function act(index, action, confirmed = false) {
  const e = entries[index];
  const card = document.getElementById(`entry-${index}`);
  if (action.includes("approve") && !reviewer()) {
    say(index, "Enter your name first (top of the page).", "error");
    askReviewer();
    return;
  }
  const forms = [...card.querySelectorAll("textarea.translation")].map((area) => area.value);
  const payload = { action, msgctxt: e.msgctxt, msgid: e.msgid, digest: e.digest, reviewer: reviewer() };
  if (action.startsWith("save")) payload.forms = forms;
  if (action === "comment") payload.notes = card.querySelector("textarea.comments").value;
  if (confirmed) payload.confirmed = true;
  const [response, data] = await post(payload);
  if (response.ok) {
    const wasApproved = e.state === "approved";
    doneThisSession += 1;
    replace(index, data.entry);
    lastUndo = { id: data.entry.undo, index, what: `${DONE[action]} (entry ${index + 1})` };
    showUndo();
    let text = DONE[action];
    if (action === "save" && wasApproved && data.entry.state !== "approved") text += " It was approved: it needs approval again.";
    say(index, text);
    focus(action === "save" || action === "comment" ? index : index + 1);
  } else if (data.confirm) {
    confirmBox(index, action, data.confirm);
  } else if (data.entry) {
    const text = forms.join("\n");
    replace(index, data.entry);
    if (text !== data.entry.forms.map((f) => f.text).join("\n")) {  // the reviewer's edit is not lost
      entries[index].mine = text;
      document.getElementById(`entry-${index}`).replaceWith(render(index));
    }
    focus(index);
    say(index, data.error, "error");
  } else {
    say(index, data.error || `Error ${response.status}`, "error");
  }
}

function replace(index, entry) {
  counts[entries[index].state] -= 1;
  counts[entry.state] += 1;
  entries[index] = entry;
  document.getElementById(`entry-${index}`).replaceWith(render(index));
  progress();
  pollBack();
}

function showUndo() {
  document.getElementById("undo-bar").hidden = !lastUndo;
  if (lastUndo) document.getElementById("undo-what").textContent = `Last action: ${lastUndo.what}`;
  fitHeader();
}

async function undo() {
  if (!lastUndo) return;
  const { id, index } = lastUndo;
  const e = entries[index];
  const [response, data] = await post({ action: "undo", undo: id, msgctxt: e.msgctxt, msgid: e.msgid, digest: e.digest });
  if (response.ok) {
    lastUndo = null;
    showUndo();
    replace(index, data.entry);
    focus(index);
    say(index, "Undone: the entry is as it was before.");
  } else {
    if (data.entry) replace(index, data.entry);
    lastUndo = null;
    showUndo();
    focus(index);
    say(index, data.entry ? `Not undone: ${data.error}` : data.error || `Error ${response.status}`, "error");
  }
}

// Back-translations are made by a background batch; they fill in as it finishes them.
let polling = false;
async function pollBack() {
  if (polling || body.dataset.back !== "yes" || !entries.some((e) => e.back_key && !e.back)) return;
  polling = true;
  try {
    for (;;) {
      const response = await fetch(`/api/${encodeURIComponent(lang)}/back-translations?since=${backSince}`,
                                   { headers: { "X-CSRF-Token": token } });
      const data = await response.json();
      if (!response.ok) break;
      backSince = data.next;
      entries.forEach((e, i) => {
        if (e.back_key && !e.back && data.results[e.back_key]) {
          e.back = data.results[e.back_key];
          const old = document.getElementById(`entry-${i}`).querySelector(".back");
          if (old) old.replaceWith(backLine(e));
        }
      });
      progress();
      if (data.error) { document.getElementById("back-progress").textContent = `· Back-translations failed: ${data.error}`; break; }
      if (!entries.some((e) => e.back_key && !e.back) || (!data.running && !data.queued)) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  } finally { polling = false; }
}

document.addEventListener("keydown", (event) => {
  const inText = event.target.tagName === "TEXTAREA" || event.target.tagName === "INPUT" || event.target.tagName === "SELECT";
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (event.target.classList.contains("comments")) act(current, "comment");
    else request(current, "save-approve");
    return;
  }
  if (inText) {
    if (event.key === "Escape") { event.target.blur(); focus(current); }
    if (event.key === "s" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); act(current, "save"); }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const card = document.getElementById(`entry-${current}`);
  const acts = { s: "save", a: "approve", f: "send-back" };
  if (acts[event.key] && card && !visible(card)) {  // never act on an entry the reader cannot see
    event.preventDefault();
    focus(current);
    say(current, "This is the current entry; press the key again to act on it.", "info");
    return;
  }
  const keys = {
    j: () => focus(current + 1), k: () => focus(current - 1),
    e: () => card.querySelector("textarea.translation").focus(),
    s: () => act(current, "save"), a: () => request(current, "approve"), f: () => act(current, "send-back"),
    u: () => undo(),
    p: () => window.open(document.querySelector(".preview-link").href, "_blank", "noopener"),
  };
  if (keys[event.key] && (card || "pu".includes(event.key))) { event.preventDefault(); keys[event.key](); }
});

document.getElementById("reviewer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = document.getElementById("reviewer-name").value.trim();
  if (name) localStorage.setItem("handouts-reviewer", name);
  showReviewer();
  focus(current);
});
document.getElementById("reviewer-change").addEventListener("click", askReviewer);
document.getElementById("undo").addEventListener("click", undo);
window.addEventListener("resize", fitHeader);

showReviewer();
renderAll();
focus(0);
pollBack();
