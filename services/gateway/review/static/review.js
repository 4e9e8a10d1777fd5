// Tolka review page: plain JavaScript over the gateway's API, no build step.
//
// Everything the page shows from the API is written with textContent (never as HTML). Requests carry
// the X-Tolka-Request header: with a session cookie, the gateway takes requests that change something
// only with it (a page of another origin cannot send it).
//
// Correspondences of standard properties (EngineeringUnits, EURange, … — the settings' "metadata" maps)
// are metadata rows: unless the "metadata" filter lists them, they fold under the row of their parent's
// correspondence, which offers them as "+N metadata".
"use strict";

(() => {
  const settings = JSON.parse(document.getElementById("review-settings").textContent);
  const alignment = settings.alignment;
  const base = `/alignments/${encodeURIComponent(alignment)}`;
  const HIGH = 0.9;
  const MEDIUM = 0.75;
  const $ = (id) => document.getElementById(id);

  const state = {
    correspondences: [],
    selected: null,
    unfolded: new Set(), // the parent rows whose metadata rows are shown under them
    compiled: new Set(), // "subject|object" of the pairs the preview compiled into rules
    previewVersion: 0,
    previewTicket: 0, // the latest preview asked for: an answer to an older one is dropped
    previewTimer: null,
  };

  // ------------------------------------------------------------------------------------------ API

  async function api(method, path, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json", "X-Tolka-Request": "review" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const detail = data && data.detail ? data.detail : `${response.status} ${response.statusText}`;
      const error = new Error(detail);
      error.status = response.status;
      error.problem = data;
      throw error;
    }
    return data;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  let toastTimer = null;
  function toast(message, error) {
    const box = $("toast");
    box.textContent = message;
    box.className = error ? "toast error" : "toast";
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, error ? 6000 : 2500);
  }

  const band = (confidence) => (confidence >= HIGH ? "high" : confidence >= MEDIUM ? "medium" : "low");

  // ---------------------------------------------------------------------------------------- trees

  const rows = { source: new Map(), target: new Map() };
  const position = { source: new Map(), target: new Map() }; // a node's row number, in tree order
  for (const side of ["source", "target"]) {
    for (const row of document.querySelectorAll(`#${side}-tree [data-id]`)) {
      rows[side].set(row.dataset.id, row);
      position[side].set(row.dataset.id, position[side].size);
    }
  }

  // The row that shows a node: its own, or the summary of the outermost folded folder holding it.
  function shownRow(row) {
    let shown = row;
    let folder = row.closest("li").parentElement.closest("details");
    while (folder) {
      if (!folder.open) shown = folder.querySelector(":scope > summary");
      folder = folder.parentElement.closest("details");
    }
    return shown;
  }

  function reveal(row) {
    let folder = row.closest("li").parentElement.closest("details");
    while (folder) {
      folder.open = true;
      folder = folder.parentElement.closest("details");
    }
  }

  // ---------------------------------------------------------------------------------------- filters

  function filters() {
    const statuses = new Set([...document.querySelectorAll('input[name="status"]:checked')].map((b) => b.value));
    const words = $("list-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return { min: Number($("min-confidence").value), statuses, words };
  }

  function visible() {
    const { min, statuses, words } = filters();
    const shown = state.correspondences.filter((c) => {
      if (c.confidence < min - 1e-9 || !statuses.has(c.status)) return false;
      if (!words.length) return true;
      const text = [c.subject_label, c.object_label, pathOf("source", c.subject_id), pathOf("target", c.object_id)];
      return words.every((w) => text.join(" ").toLowerCase().includes(w));
    });
    const at = (side, id) => (position[side].has(id) ? position[side].get(id) : Infinity);
    const order = {
      model: (a, b) => at("source", a.subject_id) - at("source", b.subject_id) || at("target", a.object_id) - at("target", b.object_id),
      low: (a, b) => a.confidence - b.confidence,
      high: (a, b) => b.confidence - a.confidence,
    }[$("sort").value];
    return shown.sort((a, b) => order(a, b) || a.id - b.id);
  }

  // ------------------------------------------------------------------------------------- metadata

  // standard property → the node it describes, per side (only the models' own nodes)
  const metadata = {
    source: new Map(Object.entries(settings.source.metadata || {})),
    target: new Map(Object.entries(settings.target.metadata || {})),
  };

  const isMetadata = (c) => metadata.source.has(c.subject_id) || metadata.target.has(c.object_id);

  // A metadata row's cid → the cid of its parent's correspondence: the one from the subject's parent
  // (to the object's parent, when there is one of those too), or else the one to the object's parent.
  // Only rows that are not metadata themselves are parents; a metadata row without one is not in here.
  function parents() {
    const bySubject = new Map();
    const byObject = new Map();
    for (const c of state.correspondences) {
      if (isMetadata(c)) continue;
      for (const [index, key] of [[bySubject, c.subject_id], [byObject, c.object_id]]) {
        if (!index.has(key)) index.set(key, []);
        index.get(key).push(c);
      }
    }
    const out = new Map();
    for (const c of state.correspondences) {
      if (!isMetadata(c)) continue;
      const from = metadata.source.get(c.subject_id);
      const to = metadata.target.get(c.object_id);
      const candidates = (from !== undefined ? bySubject.get(from) : byObject.get(to)) || [];
      const parent = candidates.find((p) => p.subject_id === from && p.object_id === to) || candidates[0];
      if (parent) out.set(c.id, parent.id);
    }
    return out;
  }

  // The list as shown: entries {c, child} in order (child: a metadata row unfolded under its parent's),
  // the metadata rows held by each shown parent row (cid → rows), and how many of them are folded away.
  // A metadata row whose parent row does not pass the filters is an ordinary row (never lost).
  function layout() {
    const shown = visible();
    const held = new Map();
    if ($("show-metadata").checked) return { entries: shown.map((c) => ({ c, child: false })), held, folded: 0 };
    const parentOf = parents();
    const passing = new Set(shown.map((c) => c.id));
    const under = (c) => (passing.has(parentOf.get(c.id)) ? parentOf.get(c.id) : undefined);
    for (const c of shown) {
      const parent = under(c);
      if (parent === undefined) continue;
      if (!held.has(parent)) held.set(parent, []);
      held.get(parent).push(c);
    }
    const entries = [];
    let folded = 0;
    for (const c of shown) {
      if (under(c) !== undefined) continue;
      entries.push({ c, child: false });
      const children = held.get(c.id) || [];
      if (state.unfolded.has(c.id)) entries.push(...children.map((m) => ({ c: m, child: true })));
      else folded += children.length;
    }
    return { entries, held, folded };
  }

  function toggleMetadata(cid) {
    if (state.unfolded.has(cid)) state.unfolded.delete(cid);
    else state.unfolded.add(cid);
    render();
  }

  // ------------------------------------------------------------------------------------------ links

  const SVG = "http://www.w3.org/2000/svg";

  function draw() {
    const svg = $("links");
    const height = Math.max($("source-tree").offsetHeight, $("target-tree").offsetHeight);
    svg.style.height = `${height}px`;
    const box = svg.getBoundingClientRect();
    const width = box.width;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const paths = [];
    for (const list of Object.values(rows)) for (const row of list.values()) row.classList.remove("linked", "selected");
    const shown = layout().entries.map((e) => e.c);
    // rejected first, then by confidence: the strongest links are drawn on top
    const order = [...shown].sort((a, b) => (a.status === "rejected") - (b.status === "rejected") || a.confidence - b.confidence).reverse();
    for (const c of order) {
      const from = rows.source.get(c.subject_id);
      const to = rows.target.get(c.object_id);
      if (!from || !to) continue;
      const a = shownRow(from);
      const b = shownRow(to);
      a.classList.add("linked");
      b.classList.add("linked");
      if (state.selected === c.id) {
        a.classList.add("selected");
        b.classList.add("selected");
      }
      const ra = a.getBoundingClientRect();
      const rb = b.getBoundingClientRect();
      const y1 = ra.top + ra.height / 2 - box.top;
      const y2 = rb.top + rb.height / 2 - box.top;
      const classes = [band(c.confidence), c.status];
      if (a !== from || b !== to) classes.push("folded"); // an end inside a folded folder
      if (state.selected === c.id) classes.push("selected");
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", `M0,${y1.toFixed(1)} C${(width / 2).toFixed(1)},${y1.toFixed(1)} ${(width / 2).toFixed(1)},${y2.toFixed(1)} ${width.toFixed(1)},${y2.toFixed(1)}`);
      path.setAttribute("class", classes.join(" "));
      path.dataset.cid = String(c.id);
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${c.subject_label} → ${c.object_label} (${c.confidence.toFixed(2)}, ${c.status})`;
      path.append(title);
      path.addEventListener("click", () => select(c.id, true));
      paths.push(path);
      for (const [x, y] of [[2.5, y1], [width - 2.5, y2]]) {
        const dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", x.toFixed(1));
        dot.setAttribute("cy", y.toFixed(1));
        dot.setAttribute("r", "2.5");
        dot.setAttribute("class", c.status === "rejected" ? "rejected" : band(c.confidence));
        paths.push(dot);
      }
    }
    // the selected link last, on top of every other
    paths.sort((p, q) => p.classList.contains("selected") - q.classList.contains("selected"));
    svg.replaceChildren(...paths);
  }

  let drawPending = false;
  function redraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      draw();
    });
  }

  // ------------------------------------------------------------------------------------------ list

  function unitOf(side, id) {
    const row = rows[side].get(id);
    return row ? row.dataset.unit : "";
  }

  function pathOf(side, id) {
    const row = rows[side].get(id);
    return row ? row.dataset.path : id;
  }

  // "Level › EURange": a node's label after its parent's name (many nodes share a label)
  function endName(className, side, id, label) {
    const end = element("span", `end ${className}`);
    const segments = pathOf(side, id).split("/").filter(Boolean);
    if (segments.length > 1) end.append(element("span", "parent", `${segments[segments.length - 2].replace(/~1/g, "/").replace(/~0/g, "~")} › `));
    end.append(document.createTextNode(label || id));
    const unit = unitOf(side, id);
    if (unit) end.append(element("span", "unit", unit));
    return end;
  }

  function iconButton(className, symbol, label) {
    const button = element("button", className, symbol);
    button.type = "button";
    button.title = label;
    button.setAttribute("aria-label", label);
    return button;
  }

  // A correspondence's row; child: a metadata row unfolded under its parent's; held: the metadata rows
  // this one's badge folds and unfolds.
  function listItem(c, child, held) {
    const item = element("li", `corr status-${c.status}`);
    item.dataset.cid = String(c.id);
    if (child) item.classList.add("metadata-child");
    if (state.selected === c.id) item.classList.add("selected");

    const pair = element("div", "pair");
    pair.title = `${c.subject_id}\n→ ${c.object_id}`;
    pair.append(element("span", `badge ${c.status}`, c.status));
    const subject = endName("subject", "source", c.subject_id, c.subject_label);
    const object = endName("object", "target", c.object_id, c.object_label);
    pair.append(subject, element("span", "to", "→"), object);
    pair.addEventListener("click", () => select(c.id, false));

    const info = element("div", "info");
    const confidence = element("span", "confidence");
    const meter = element("span", "meter");
    const fill = element("span", band(c.confidence));
    fill.style.width = `${Math.round(c.confidence * 100)}%`;
    meter.append(fill);
    confidence.append(meter, document.createTextNode(c.confidence.toFixed(2)));
    info.append(confidence);
    if (held.length) {
      const open = state.unfolded.has(c.id);
      const toggle = element("button", `badge metadata-toggle${open ? " open" : ""}`, `+${held.length} metadata`);
      toggle.type = "button";
      toggle.title = `${open ? "Fold" : "Unfold"} the correspondences of ${held.map((m) => m.subject_label || m.subject_id).join(", ")}`;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.addEventListener("click", () => toggleMetadata(c.id));
      info.append(toggle);
    }
    if (state.compiled.has(`${c.subject_id}|${c.object_id}`) && c.status !== "rejected") {
      info.append(element("span", "badge rule", "rule"));
    }
    info.append(element("span", "path", `${pathOf("source", c.subject_id)} → ${pathOf("target", c.object_id)}`));

    const buttons = element("div", "buttons");
    const accept = iconButton("accept", "✓", "Accept");
    accept.disabled = c.status === "accepted";
    accept.addEventListener("click", () => decide(c, { status: "accepted" }));
    const reject = iconButton("reject", "✕", "Reject");
    reject.disabled = c.status === "rejected";
    reject.addEventListener("click", () => decide(c, { status: "rejected" }));
    const retarget = iconButton("retarget", "⇄", "Retarget");
    retarget.addEventListener("click", () => openRetarget(c));
    buttons.append(accept, reject, retarget);
    if (c.status !== "proposed") {
      const reset = iconButton("reset", "↺", "Back to proposed");
      reset.addEventListener("click", () => decide(c, { status: "proposed" }));
      buttons.append(reset);
    }
    item.append(pair, buttons, info);
    return item;
  }

  function renderList() {
    const { entries, held, folded } = layout();
    const list = $("correspondences");
    list.replaceChildren(...entries.map(({ c, child }) => listItem(c, child, held.get(c.id) || [])));
    if (!entries.length) {
      list.append(element("li", "empty", state.correspondences.length ? "No correspondence passes the filters." : "No correspondences yet."));
    }
    const more = folded ? ` · ${folded} metadata folded` : "";
    $("shown-count").textContent = `${entries.length} of ${state.correspondences.length} shown${more}`;
    const count = (s) => state.correspondences.filter((c) => c.status === s).length;
    $("counts").textContent = `${state.correspondences.length} correspondences · ${count("accepted")} accepted · ${count("rejected")} rejected · ${count("proposed")} proposed`;
  }

  function render() {
    renderList();
    redraw();
  }

  function select(cid, scroll) {
    state.selected = state.selected === cid ? null : cid;
    const c = state.correspondences.find((x) => x.id === cid);
    if (c && state.selected !== null) {
      const from = rows.source.get(c.subject_id);
      const to = rows.target.get(c.object_id);
      if (from) reveal(from);
      if (to) reveal(to);
      if (from && !scroll) from.scrollIntoView({ block: "center", behavior: "smooth" });
    }
    render();
    if (scroll) {
      const item = document.querySelector(`#correspondences li[data-cid="${cid}"]`);
      if (item) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  async function load() {
    const data = await api("GET", base);
    state.correspondences = data.correspondences;
    render();
  }

  // -------------------------------------------------------------------------------------- decisions

  function reviewer() {
    return $("reviewer").value.trim() || "reviewer";
  }

  async function decide(c, change) {
    try {
      const updated = await api("PATCH", `${base}/correspondences/${c.id}`, { ...change, who: reviewer() });
      state.correspondences = state.correspondences.map((x) => (x.id === updated.id ? updated : x));
      const parent = parents().get(updated.id); // a row retargeted to a standard property stays in sight
      if (parent !== undefined) state.unfolded.add(parent);
      render();
      toast(change.object_id ? `Retargeted to ${updated.object_label || updated.object_id}` : `Marked ${updated.status}`);
      schedulePreview();
    } catch (error) {
      toast(error.message, true);
    }
  }

  // -------------------------------------------------------------------------------------- retarget

  let retargeting = null;

  function openRetarget(c) {
    retargeting = c;
    $("retarget-subject").textContent = c.subject_label || c.subject_id;
    $("retarget-search").value = "";
    renderResults();
    $("retarget").showModal();
    $("retarget-search").focus();
  }

  function renderResults() {
    const words = $("retarget-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const found = [];
    for (const [id, row] of rows.target) {
      const text = row.dataset.search || "";
      if (words.every((w) => text.includes(w))) found.push([id, row]);
      if (found.length >= 80) break;
    }
    const list = $("retarget-results");
    list.replaceChildren(
      ...found.map(([id, row]) => {
        const item = element("li");
        const button = element("button", retargeting && retargeting.object_id === id ? "current" : "");
        button.type = "button";
        button.dataset.id = id;
        button.append(element("span", "name", row.dataset.label));
        if (row.dataset.unit) button.append(element("span", "unit", row.dataset.unit));
        button.append(element("span", "path", row.dataset.path));
        button.title = id;
        button.addEventListener("click", () => chooseTarget(id));
        item.append(button);
        return item;
      }),
    );
    if (!found.length) list.append(element("li", "empty", "Nothing in the target model matches."));
  }

  function chooseTarget(id) {
    const c = retargeting;
    $("retarget").close();
    retargeting = null;
    if (c && id !== c.object_id) decide(c, { object_id: id });
  }

  // ---------------------------------------------------------------------------------------- retrain

  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

  function showJob(job) {
    $("job-progress").hidden = false;
    $("job-bar").style.width = `${Math.round(job.progress * 100)}%`;
    const text = $("job-text");
    text.classList.toggle("failed", job.state === "failed");
    if (job.state === "done") text.textContent = job.message || "done";
    else if (job.state === "failed") text.textContent = `failed: ${job.message}`;
    else text.textContent = `${job.kind} ${job.state}: ${job.stage || "queued"} ${Math.round(job.progress * 100)}%`;
    text.title = text.textContent;
    $("retrain").dataset.state = job.state;
  }

  async function follow(jobId) {
    $("retrain").disabled = true;
    try {
      for (;;) {
        const job = await api("GET", `/jobs/${encodeURIComponent(jobId)}`);
        showJob(job);
        if (job.state === "done" || job.state === "failed") {
          if (job.state === "done") {
            await load();
            schedulePreview();
          }
          return job;
        }
        await sleep(400);
      }
    } finally {
      $("retrain").disabled = false;
    }
  }

  async function retrain() {
    try {
      const started = await api("POST", `${base}/retrain`);
      showJob({ state: "queued", kind: "retrain", progress: 0, stage: "queued" });
      await follow(started.job);
    } catch (error) {
      toast(error.message, true);
    }
  }

  // ---------------------------------------------------------------------------------------- preview

  function fillFormats() {
    for (const [id, chosen] of [
      ["source-format", settings.source.message_format],
      ["target-format", settings.target.message_format],
    ]) {
      const select = $(id);
      select.replaceChildren(...settings.formats.map((f) => {
        const option = element("option", "", f);
        option.value = f;
        option.selected = f === chosen;
        return option;
      }));
    }
  }

  async function loadSample() {
    try {
      const fmt = encodeURIComponent($("source-format").value);
      const message = await api("GET", `${base}/sample?source_format=${fmt}`);
      $("sample").value = JSON.stringify(message, null, 2);
      await runPreview();
    } catch (error) {
      showPreviewError(error.message);
    }
  }

  function showPreviewError(message) {
    const out = $("preview-output");
    out.textContent = message;
    out.className = "error";
    out.dataset.version = String(++state.previewVersion);
    $("preview-notes").replaceChildren();
  }

  async function runPreview() {
    const ticket = ++state.previewTicket;
    let message;
    try {
      message = JSON.parse($("sample").value);
    } catch (error) {
      showPreviewError(`The source message is not JSON: ${error.message}`);
      return;
    }
    try {
      const result = await api("POST", `${base}/preview`, {
        message,
        source_format: $("source-format").value,
        target_format: $("target-format").value,
      });
      if (ticket !== state.previewTicket) return;
      const out = $("preview-output");
      const text = JSON.stringify(result.message, null, 2);
      const changed = state.previewVersion > 0 && out.textContent !== text;
      out.textContent = text;
      out.className = changed ? "changed" : "";
      out.dataset.version = String(++state.previewVersion);
      state.compiled = new Set(result.rules.map((r) => `${r.source_id}|${r.target_id}`));
      $("preview-meta").textContent = `${result.rules.length} rules from ${result.correspondences} correspondences`;
      $("preview-notes").replaceChildren(...result.notes.map((n) => element("li", "", n)));
      renderList();
    } catch (error) {
      if (ticket === state.previewTicket) showPreviewError(error.message);
    }
  }

  function schedulePreview() {
    if (!$("sample").value.trim()) return;
    clearTimeout(state.previewTimer);
    state.previewTimer = setTimeout(runPreview, 150);
  }

  // ------------------------------------------------------------------------------------------ wiring

  function wire() {
    const name = $("reviewer");
    name.value = localStorage.getItem("tolka.reviewer") || "";
    name.addEventListener("change", () => localStorage.setItem("tolka.reviewer", name.value.trim()));

    $("min-confidence").addEventListener("input", () => {
      $("min-confidence-value").textContent = Number($("min-confidence").value).toFixed(2);
      render();
    });
    for (const box of document.querySelectorAll('input[name="status"]')) box.addEventListener("change", render);
    $("show-metadata").addEventListener("change", render);
    $("list-search").addEventListener("input", render);
    $("sort").addEventListener("change", render);
    for (const button of document.querySelectorAll("[data-fold]")) {
      button.addEventListener("click", () => {
        const open = button.dataset.fold === "open";
        for (const d of document.querySelectorAll(".tree details")) d.open = open;
        redraw();
      });
    }
    document.addEventListener("toggle", redraw, true); // folding a folder moves the rows
    window.addEventListener("resize", redraw);

    $("retrain").addEventListener("click", retrain);
    $("retarget-search").addEventListener("input", renderResults);
    $("retarget-search").addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const first = document.querySelector("#retarget-results button");
        if (first) chooseTarget(first.dataset.id);
      }
    });
    $("retarget-cancel").addEventListener("click", () => $("retarget").close());

    fillFormats();
    $("load-sample").addEventListener("click", loadSample);
    $("run-preview").addEventListener("click", runPreview);
    $("source-format").addEventListener("change", loadSample);
    $("target-format").addEventListener("change", runPreview);
  }

  async function start() {
    wire();
    try {
      await load();
    } catch (error) {
      toast(error.message, true);
      return;
    }
    if (settings.job) {
      try {
        const job = await api("GET", `/jobs/${encodeURIComponent(settings.job)}`);
        if (job.state === "queued" || job.state === "running") follow(job.id);
      } catch (_) {
        // an alignment imported or matched long ago: nothing to follow
      }
    }
    await loadSample();
    document.body.dataset.ready = "true";
  }

  start();
})();
