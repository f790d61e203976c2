// Campaign Guard playground UI. Plain JS, no build step, nothing fetched from elsewhere.
// Safety rule: text is only ever set with textContent. The only innerHTML assignments take the
// `html` fields of the state, which playground/render.py produced with every text escaped.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const api = "/playground/api";
const store = window.localStorage;

const ui = {
  team: store.getItem("cg.team") || null, // the workspace shown (null: the first)
  where: JSON.parse(store.getItem("cg.where") || "{}"), // the other workspaces: whom and where, as left
  user: store.getItem("cg.user") || null,
  channel: store.getItem("cg.channel") || "app", // "app": the app's Home/Messages, whoever is viewing
  pane: store.getItem("cg.pane") || "home", // for the app: home | messages
  thread: null,
  version: null,
  state: null,
  keys: {},
  seen: JSON.parse(store.getItem("cg.seen") || "{}"),
  homeOpenedFor: null,
  // a first visit (nothing remembered) opens where the story is: the liveliest thread
  fresh: store.getItem("cg.channel") === null,
  reveal: null, // ts of a message to bring into view once rendered
  stick: { main: true, thread: true }, // keep the pane scrolled to the newest message
  ephemerals: { main: null, thread: null }, // ts of the ephemeral messages each pane has shown
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function serverHtml(node, html) {
  // `html` comes from playground/render.py, which escapes every piece of text it renders.
  node.innerHTML = html;
  return node;
}

function toast(text, kind = "error") {
  const item = el("div", { class: `toast ${kind}`, text });
  $("#toasts").append(item);
  setTimeout(() => item.remove(), kind === "error" ? 7000 : 3000);
}

function save() {
  store.setItem("cg.team", ui.team || "");
  store.setItem("cg.where", JSON.stringify(ui.where));
  store.setItem("cg.user", ui.user || "");
  store.setItem("cg.channel", ui.channel || "");
  store.setItem("cg.pane", ui.pane);
  store.setItem("cg.seen", JSON.stringify(ui.seen));
}

// ------------------------------------------------------------------ talking to the playground

let busy = 0;
async function post(action, body) {
  busy += 1;
  document.body.classList.add("busy");
  try {
    const response = await fetch(`${api}/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ team: ui.team, user: ui.user, ...body }),
    });
    const data = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
    if (!data.ok) toast(data.error || "Something went wrong");
    await refresh();
    return data;
  } catch (error) {
    toast(`The playground did not answer: ${error}`);
    return { ok: false };
  } finally {
    busy -= 1;
    if (!busy) document.body.classList.remove("busy");
  }
}

function stateUrl(since) {
  const params = new URLSearchParams();
  if (ui.team) params.set("team", ui.team);
  if (ui.user) params.set("user", ui.user);
  if (ui.channel) params.set("channel", ui.channel);
  if (ui.thread) params.set("thread", ui.thread.ts);
  if (since !== undefined && since !== null) params.set("since", String(since));
  if (ui.fresh) params.set("start", "1");
  return `${api}/state?${params}`;
}

function context() {
  return `${ui.team}|${ui.user}|${ui.channel}|${ui.thread ? ui.thread.ts : ""}`;
}

async function refresh() {
  const ctx = context();
  const response = await fetch(stateUrl());
  const state = await response.json();
  if (ctx === context()) apply(state);
}

async function pollLoop() {
  for (;;) {
    const ctx = context();
    try {
      const response = await fetch(stateUrl(ui.version));
      const state = await response.json();
      if (ctx === context()) apply(state);
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

// ------------------------------------------------------------------------------ rendering

function apply(state) {
  ui.state = state;
  ui.version = state.version;
  if (ui.team !== state.team.id) ui.team = state.team.id;
  if (ui.user !== state.me.id) {
    ui.user = state.me.id;
  }
  if (ui.fresh) {
    ui.fresh = false;
    if (state.start) {
      ui.channel = state.start.channel;
      ui.thread = { ts: state.start.thread, channel: state.start.channel };
      ui.pane = "messages";
      ui.reveal = state.start.thread;
      save();
      refresh();
      return;
    }
  }
  const visible = new Set([...state.channels.map((c) => c.id), state.app.dm]);
  if (ui.channel === "app") {
    ui.channel = state.app.dm;
    save();
    refresh().then(() => ui.pane === "home" && openHome());
    return;
  }
  if (!ui.channel || !visible.has(ui.channel)) {
    const general = state.channels.find((c) => c.name === "general");
    ui.channel = (state.channels.find((c) => c.name.startsWith("cg-")) || general || { id: state.app.dm }).id;
    ui.thread = null;
    save();
    refresh();
    return;
  }
  if (ui.thread && (!state.thread || state.thread.ts !== ui.thread.ts)) {
    if (state.channel && !state.channel.messages.some((m) => m.ts === ui.thread.ts)) ui.thread = null;
  }
  if (state.channel) ui.seen[`${ui.user}|${ui.channel}`] = channelLastTs(state, ui.channel);
  save();
  renderClock(state);
  renderRail(state);
  renderSidebar(state);
  renderMain(state);
  renderThread(state);
  renderModal(state);
}

function channelLastTs(state, id) {
  if (id === state.app.dm) return state.app.last_ts;
  const channel = state.channels.find((c) => c.id === id);
  return channel ? channel.last_ts : "";
}

function changed(key, value) {
  const text = JSON.stringify(value);
  if (ui.keys[key] === text) return false;
  ui.keys[key] = text;
  return true;
}

function avatar(person, size = "") {
  return el("span", { class: `avatar ${size}`, style: `background:${person.color}`, "aria-hidden": "true", text: person.initials });
}

function renderClock(state) {
  $("#clock-label").textContent = state.now_label;
  const offset = state.offset_seconds;
  let label = "";
  if (offset > 60) {
    const days = Math.floor(offset / 86400);
    const hours = Math.floor((offset % 86400) / 3600);
    label = `+${days ? `${days} d ` : ""}${hours ? `${hours} h` : ""}`.trim() + " ahead";
  }
  $("#clock-offset").textContent = label;
}

function renderRail(state) {
  if (!changed("rail", [state.workspaces, state.team.id, state.people, state.me.id])) return;
  const rail = $("#rail");
  rail.replaceChildren(
    // the workspace switcher, as Slack's column of workspace icons
    el("div", { class: "rail-label", text: "Workspace" }),
    ...state.workspaces.map((team) =>
      el(
        "button",
        {
          type: "button",
          class: `rail-team${team.id === state.team.id ? " active" : ""}`,
          "data-team-id": team.id,
          "data-team-name": team.name,
          title: `${team.name} · ${team.domain}.slack.com${team.installed ? "" : " (app not installed)"}`,
          "aria-pressed": team.id === state.team.id ? "true" : "false",
          onclick: () => switchTeam(team.id),
        },
        el("span", { class: "team-icon", style: `background:${team.color}`, "aria-hidden": "true", text: team.name.slice(0, 1).toUpperCase() }),
        el("span", { class: "rail-name", text: team.name }),
      ),
    ),
    el("div", { class: "rail-sep", role: "separator" }),
    el("div", { class: "rail-label", text: "Act as" }),
    ...state.people.map((person) =>
      el(
        "button",
        {
          type: "button",
          class: `rail-person${person.id === state.me.id ? " active" : ""}`,
          "data-user-id": person.id,
          "data-name": person.name,
          title: `${person.name} · ${person.title}`,
          onclick: () => switchUser(person.id),
        },
        avatar(person, "lg"),
        person.external ? el("span", { class: "rail-ext", title: "External (Slack Connect)", text: "⇄" }) : null,
        el("span", { class: "rail-name", text: person.name.split(" ")[0] }),
      ),
    ),
  );
}

// Another workspace: its own people, channels and app surfaces. Whom one acted as and where one
// was are kept per workspace, so switching back returns there.
function switchTeam(id) {
  if (id === ui.team || !ui.state) return;
  const app = ui.channel === ui.state.app.dm;
  ui.where[ui.team] = { user: ui.user, channel: app ? "app" : ui.channel, pane: ui.pane };
  const where = ui.where[id] || { user: null, channel: null, pane: "home" };
  ui.team = id;
  ui.user = where.user;
  ui.channel = where.channel;
  ui.pane = where.pane;
  ui.thread = null;
  ui.reveal = null;
  ui.keys = {};
  ui.homeOpenedFor = null;
  closeMenu();
  save();
  refresh();
}

function switchUser(id) {
  if (id === ui.user) return;
  ui.user = id;
  if (ui.state && ui.channel === ui.state.app.dm) ui.channel = "app";
  ui.thread = null;
  ui.keys = {};
  ui.homeOpenedFor = null;
  save();
  refresh();
}

function renderSidebar(state) {
  if (changed("team", state.team)) {
    $("#team-head").replaceChildren(
      el("div", { class: "team-name", text: state.team.name }),
      el("div", { class: "team-domain", text: `${state.team.domain}.slack.com` }),
    );
    document.title = `${state.team.name} · Campaign Guard playground`;
  }
  const me = state.me;
  if (changed("me", me)) {
    $("#me").replaceChildren(
      avatar(me, "lg"),
      el(
        "div",
        { class: "me-text" },
        el("div", { class: "me-name", text: me.name }, me.external ? el("span", { class: "badge ext", text: "external" }) : null),
        el("div", { class: "me-title", text: me.title }),
        el("div", { class: "me-tz", text: `🌐 ${me.tz}` }),
      ),
    );
  }
  const unread = (id, last) => last && last > (ui.seen[`${ui.user}|${id}`] || "") && id !== ui.channel;
  const items = state.channels.map((c) =>
    el(
      "li",
      {},
      el(
        "button",
        {
          type: "button",
          class: `side-item${c.id === ui.channel ? " active" : ""}${unread(c.id, c.last_ts) ? " unread" : ""}`,
          "data-channel": c.name,
          title: `${c.private ? "🔒" : "#"} ${c.name}${c.shared ? " · shared with another organisation" : ""}`,
          onclick: () => openChannel(c.id),
        },
        el("span", { class: "side-icon", text: c.private ? "🔒" : "#" }),
        el("span", { class: "side-name", text: c.name }),
        c.shared ? el("span", { class: "side-shared", title: "Shared with another organisation", text: "⇄" }) : null,
      ),
    ),
  );
  if (changed("channels", [state.channels, ui.channel, ui.seen[`${ui.user}|${ui.channel}`]])) $("#channel-list").replaceChildren(...items);
  const app = state.app;
  $("#app-list").replaceChildren(
    el(
      "li",
      {},
      el(
        "button",
        {
          type: "button",
          class: `side-item${ui.channel === app.dm ? " active" : ""}${unread(app.dm, app.last_ts) ? " unread" : ""}`,
          "data-channel": "app",
          onclick: () => openChannel(app.dm, "home"),
        },
        el("span", { class: "avatar xs app", text: app.initials }),
        el("span", { class: "side-name", text: app.name }),
      ),
    ),
  );
}

function openChannel(id, pane) {
  ui.channel = id;
  ui.thread = null;
  if (pane) ui.pane = pane;
  save();
  refresh().then(() => {
    if (ui.state && id === ui.state.app.dm && ui.pane === "home") openHome();
  });
  $("#composer-input").focus();
}

function openHome() {
  ui.homeOpenedFor = ui.user;
  post("home", {});
}

function renderMain(state) {
  const channel = state.channel;
  const isApp = channel && channel.is_app;
  const header = $("#chan-header");
  if (changed("header", [channel && [channel.id, channel.name, channel.member_names, channel.topic], isApp])) {
    if (!channel) header.replaceChildren();
    else
      header.replaceChildren(
        el(
          "div",
          { class: "chan-title" },
          isApp ? el("span", { class: "avatar sm app", text: "CG" }) : el("span", { class: "chan-icon", text: channel.private ? "🔒" : "#" }),
          el("span", { text: channel.name }),
          isApp ? el("span", { class: "badge app", text: "APP" }) : null,
          channel.shared ? el("span", { class: "badge ext", title: "Slack Connect: shared with another organisation", text: "⇄ shared" }) : null,
        ),
        isApp
          ? el("div", { class: "chan-topic", text: "Your Home tab, and the app's messages to you" })
          : el("div", { class: "chan-topic", title: channel.member_names.join(", "), text: `👥 ${channel.member_names.length} · ${channel.topic || channel.member_names.join(", ")}` }),
      );
  }
  const tabs = $("#tabs");
  tabs.hidden = !isApp;
  const pane = isApp ? ui.pane : "messages";
  for (const tab of tabs.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.pane === pane);
  $("#home").hidden = pane !== "home";
  $("#messages").hidden = pane === "home";
  if (pane === "home") {
    renderHome(state);
    $("#composer-input").placeholder = "Type / for commands";
  } else {
    $("#composer-input").placeholder = channel ? (isApp ? `Type / for commands (${channel.name} messages are read-only)` : `Message #${channel.name}, or type / for commands`) : "";
    renderMessages($("#messages"), channel ? channel.messages : [], "main", channel);
  }
}

function renderHome(state) {
  const home = $("#home");
  if (!changed("home", state.home && [state.home.sig, state.me.id])) return;
  if (!state.home) {
    if (ui.homeOpenedFor !== ui.user) openHome();
    home.replaceChildren(el("div", { class: "empty", text: "The app has not published a Home tab for you yet." }));
    return;
  }
  const body = serverHtml(el("div", { class: "view-body", "data-view-id": state.home.id }), state.home.html);
  home.replaceChildren(body);
}

function renderMessages(container, messages, key, channel) {
  if (!changed(`messages:${key}`, [messages, channel && channel.id, ui.user])) return;
  const previousTop = container.scrollTop;
  const nodes = [];
  if (key === "main" && channel && !channel.is_app) {
    nodes.push(
      el(
        "div",
        { class: "chan-intro" },
        el("div", { class: "chan-intro-title", text: `${channel.private ? "🔒" : "#"} ${channel.name}` }),
        el("div", { class: "chan-intro-text", text: `This is the very beginning of the ${channel.private ? "private" : ""} channel #${channel.name}.` }),
      ),
    );
  }
  let day = null;
  let previous = null;
  for (const message of messages) {
    if (key === "main" && message.day !== day) {
      nodes.push(el("div", { class: "day-divider" }, el("span", { text: message.day })));
      day = message.day;
      previous = null;
    }
    const compact = previous && previous.author_id === message.author_id && !message.ephemeral && !previous.ephemeral && Number(message.ts) - Number(previous.ts) < 300;
    nodes.push(renderMessage(message, key, compact));
    previous = message;
    if (key === "thread" && message === messages[0] && messages.length > 1) {
      // as Slack: the parent message, then "N replies" and the replies
      const count = messages.filter((m) => m !== message && !m.ephemeral).length;
      nodes.push(el("div", { class: "thread-divider" }, el("span", { text: `${count} ${count === 1 ? "reply" : "replies"}` })));
      previous = null;
    }
  }
  if (!messages.length && key === "main" && channel && channel.is_app) nodes.push(el("div", { class: "empty", text: "No messages from the app yet." }));
  container.replaceChildren(...nodes);
  const switched = changed(`scroll:${key}`, [channel && channel.id, ui.user, key === "thread" && ui.thread && ui.thread.ts]);
  if (switched) ui.stick[key] = true;
  // An ephemeral message is the app's answer to something this person just did (a refusal, a
  // command's reply): bring a new one into view, even when the pane is scrolled up to a card.
  const known = ui.ephemerals[key];
  const ephemerals = messages.filter((m) => m.ephemeral).map((m) => m.ts);
  ui.ephemerals[key] = new Set(ephemerals);
  const answer = !switched && known && ephemerals.filter((ts) => !known.has(ts)).pop();
  const reveal = key === "main" && ui.reveal && container.querySelector(`.msg[data-ts="${CSS.escape(ui.reveal)}"]`);
  const answered = answer && container.querySelector(`.msg[data-ts="${CSS.escape(answer)}"]`);
  if (reveal) {
    ui.reveal = null;
    ui.stick[key] = false;
    requestAnimationFrame(() => reveal.scrollIntoView({ block: "end" }));
  } else if (answered) {
    container.scrollTop = previousTop;
    answered.scrollIntoView({ block: "nearest" });
    ui.stick[key] = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  } else if (ui.stick[key]) container.scrollTop = container.scrollHeight;
  else container.scrollTop = previousTop;
}

// Stay at the newest message while the pane is at the bottom: after a render, and when the pane
// changes size (the thread panel opens, the composer grows, the window is resized).
for (const [key, node] of [["main", $("#messages")], ["thread", $("#thread-messages")]]) {
  node.addEventListener("scroll", () => {
    if (node.clientHeight) ui.stick[key] = node.scrollHeight - node.scrollTop - node.clientHeight < 80;
  });
  new ResizeObserver(() => {
    if (ui.stick[key]) node.scrollTop = node.scrollHeight;
  }).observe(node);
}

function renderMessage(message, key, compact) {
  const person = { color: message.color, initials: message.initials };
  const body = serverHtml(el("div", { class: "msg-content" }), message.html);
  const head = el(
    "div",
    { class: "msg-head" },
    el("span", { class: "author", text: message.author }),
    message.is_bot ? el("span", { class: "badge app", text: "APP" }) : null,
    message.external ? el("span", { class: "badge ext", text: "external" }) : null,
    el("time", { class: "msg-time", datetime: message.iso, title: message.iso, text: message.time }),
    message.edited ? el("span", { class: "msg-edited", text: "(edited)" }) : null,
  );
  const node = el(
    "div",
    {
      class: `msg${message.ephemeral ? " ephemeral" : ""}${compact ? " compact" : ""}`,
      "data-ts": message.ts,
      "data-channel": message.channel,
    },
    compact ? el("span", { class: "msg-gutter", text: message.time }) : avatar(person),
    el(
      "div",
      { class: "msg-main" },
      compact ? null : head,
      body,
      message.ephemeral
        ? el(
            "div",
            { class: "ephemeral-note" },
            el("span", { text: "👁 Only visible to you" }),
            el("button", { type: "button", class: "link-btn", onclick: () => post("dismiss", { channel: message.channel, ts: message.ts }), text: "Dismiss" }),
          )
        : null,
      key === "main" && message.reply_count
        ? el(
            "button",
            { type: "button", class: "thread-summary", onclick: () => openThread(message) },
            el("span", { class: "thread-count", text: `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}` }),
            el("span", { class: "thread-last", text: `Last reply ${message.last_reply}` }),
          )
        : null,
    ),
  );
  if (!message.ephemeral) node.append(hoverMenu(message, key));
  return node;
}

function hoverMenu(message, key) {
  const buttons = [];
  if (key === "main" && !(ui.state.channel && ui.state.channel.is_app)) {
    buttons.push(el("button", { type: "button", class: "hover-btn", title: "Reply in thread", "aria-label": "Reply in thread", onclick: () => openThread(message), text: "💬" }));
  }
  if (ui.state.shortcuts.length) {
    buttons.push(
      el("button", { type: "button", class: "hover-btn", title: "More actions", "aria-label": "More actions", onclick: (event) => openShortcutMenu(event, message), text: "⋯" }),
    );
  }
  return el("div", { class: "msg-hover" }, buttons);
}

function openShortcutMenu(event, message) {
  event.stopPropagation();
  const rect = event.currentTarget.getBoundingClientRect();
  const menu = el(
    "div",
    { class: "menu", style: `top:${rect.bottom + 4}px;left:${Math.max(8, rect.right - 240)}px` },
    el("div", { class: "menu-title", text: "Campaign Guard" }),
    ...ui.state.shortcuts.map((shortcut) =>
      el("button", {
        type: "button",
        class: "menu-item",
        "data-callback-id": shortcut.callback_id,
        text: shortcut.name,
        onclick: () => {
          closeMenu();
          post("shortcut", { channel: message.channel, ts: message.ts, callback_id: shortcut.callback_id });
        },
      }),
    ),
  );
  $("#menu-root").replaceChildren(menu);
}

function closeMenu() {
  $("#menu-root").replaceChildren();
}

function openThread(message) {
  ui.thread = { ts: message.thread_ts || message.ts, channel: message.channel };
  ui.keys["messages:thread"] = null;
  refresh();
  setTimeout(() => $("#thread-input").focus(), 50);
}

function renderThread(state) {
  const panel = $("#thread");
  panel.hidden = !ui.thread || !state.thread;
  document.body.classList.toggle("with-thread", !panel.hidden);
  if (panel.hidden) return;
  $("#thread-where").textContent = state.channel ? `#${state.channel.name}` : "";
  renderMessages($("#thread-messages"), state.thread.messages, "thread", state.channel);
}

// --------------------------------------------------------------------------------- modals

function renderModal(state) {
  const root = $("#modal-root");
  const modal = state.modal;
  if (!modal) {
    ui.keys.modal = null;
    root.replaceChildren();
    return;
  }
  if (!changed("modal", modal.sig)) return;
  const body = serverHtml(el("div", { class: "modal-body view-body", "data-view-id": modal.id }), modal.html);
  const form = el(
    "form",
    { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": modal.title, "data-view-id": modal.id, novalidate: true },
    el(
      "div",
      { class: "modal-head" },
      el("span", { class: "avatar sm app", text: "CG" }),
      el("h2", { class: "modal-title" }),
      el("button", { type: "button", class: "icon-btn", title: "Close", "aria-label": "Close", onclick: () => post("close", { view_id: modal.id }), text: "✕" }),
    ),
    body,
    el(
      "div",
      { class: "modal-foot" },
      el("button", { type: "button", class: "el-btn", onclick: () => post("close", { view_id: modal.id }) }),
      modal.submit ? el("button", { type: "submit", class: "el-btn el-primary modal-submit" }) : null,
    ),
  );
  serverHtml(form.querySelector(".modal-title"), modal.title);
  serverHtml(form.querySelector(".modal-foot .el-btn"), modal.close);
  if (modal.submit) serverHtml(form.querySelector(".modal-submit"), modal.submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    post("submit", { view_id: modal.id, values: collectValues(body) });
  });
  root.replaceChildren(el("div", { class: "overlay" }, form));
  const first = form.querySelector(".b-input.has-error [data-action-id]") || form.querySelector(".b-input [data-action-id]");
  if (first) first.focus();
}

const INPUT_TYPES = new Set([
  "plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input",
  "static_select", "multi_static_select", "external_select", "multi_external_select",
  "users_select", "multi_users_select", "conversations_select", "multi_conversations_select",
  "channels_select", "multi_channels_select", "datepicker", "timepicker", "datetimepicker",
  "checkboxes", "radio_buttons",
]);

function valueOf(node) {
  const type = node.dataset.type;
  if (type === "checkboxes") return [...node.querySelectorAll("input:checked")].map((i) => i.value);
  if (type === "radio_buttons") {
    const checked = node.querySelector("input:checked");
    return checked ? checked.value : "";
  }
  if (node.tagName === "SELECT" && node.multiple) return [...node.selectedOptions].map((o) => o.value);
  return node.value;
}

function collectValues(root) {
  const values = {};
  for (const node of root.querySelectorAll("[data-action-id][data-type]")) {
    if (!INPUT_TYPES.has(node.dataset.type)) continue;
    const block = node.dataset.blockId;
    (values[block] = values[block] || {})[node.dataset.actionId] = valueOf(node);
  }
  return values;
}

// ------------------------------------------------------------------------ interactions

// Slack's confirm dialog: the renderer put it, already rendered, in an inert <template> beside the
// element; it is cloned (never parsed from text) into the dialog. Resolves true to go ahead.
function confirmed(node) {
  if (!node.dataset.confirm) return Promise.resolve(true);
  const scope = node.closest(".msg-content, .view-body") || document;
  const template = [...scope.querySelectorAll("template.el-confirm")].find(
    (t) => t.dataset.actionId === node.dataset.actionId && t.dataset.blockId === node.dataset.blockId,
  );
  if (!template) return Promise.resolve(true);
  return new Promise((resolve) => {
    const box = el("div", { class: "confirm", role: "alertdialog", "aria-modal": "true" });
    box.append(template.content.cloneNode(true));
    const overlay = el("div", { class: "overlay confirm-overlay" }, box);
    const onKey = (event) => {
      if (event.key !== "Escape") return;
      event.stopPropagation();
      done(false);
    };
    const done = (answer) => {
      overlay.remove();
      document.removeEventListener("keydown", onKey, true);
      resolve(answer);
    };
    box.querySelector(".confirm-deny").addEventListener("click", () => done(false));
    box.querySelector(".confirm-ok").addEventListener("click", () => done(true));
    overlay.addEventListener("click", (event) => event.target === overlay && done(false));
    document.addEventListener("keydown", onKey, true);
    $("#confirm-root").replaceChildren(overlay);
    box.querySelector(".confirm-ok").focus();
  });
}

async function act(node, value) {
  const base = { action_id: node.dataset.actionId, block_id: node.dataset.blockId, type: node.dataset.type, value };
  const view = node.closest("[data-view-id]");
  const message = node.closest(".msg");
  const values = view ? collectValues(view) : null;
  if (!(await confirmed(node))) return;
  if (view) {
    post("view_action", { ...base, view_id: view.dataset.viewId, values });
    return;
  }
  if (message) post("click", { ...base, channel: message.dataset.channel, ts: message.dataset.ts });
}

document.addEventListener("click", (event) => {
  if (!event.target.closest(".menu")) closeMenu();
  const button = event.target.closest("button.el-btn[data-action-id]");
  if (!button) return;
  event.preventDefault();
  if (button.dataset.url) window.open(button.dataset.url, "_blank", "noopener");
  act(button, button.dataset.value);
});

document.addEventListener("change", (event) => {
  const node = event.target.closest("[data-action-id][data-type]");
  if (!node || !node.dataset.dispatch) return;
  if (node.dataset.type === "overflow") {
    const value = node.value;
    node.value = "";
    if (value) act(node, value);
    return;
  }
  act(node, valueOf(node));
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    closeMenu();
    if (!$("#guide").hidden) showGuide(false);
    const modal = ui.state && ui.state.modal;
    if (modal) post("close", { view_id: modal.id });
  }
});

for (const button of document.querySelectorAll("[data-advance]")) {
  button.addEventListener("click", async () => {
    const seconds = Number(button.dataset.advance);
    const data = await post("advance", { seconds });
    if (data.ok) toast(`Clock moved forward ${seconds >= 86400 ? "1 day" : "1 hour"}`, "info");
  });
}

for (const tab of document.querySelectorAll("#tabs .tab")) {
  tab.addEventListener("click", () => {
    ui.pane = tab.dataset.pane;
    ui.keys = {};
    save();
    if (ui.pane === "home") openHome();
    else refresh();
  });
}

// The guide: open by itself on a first visit, until "Got it"; the top bar's button reopens it.
function showGuide(open) {
  $("#guide").hidden = !open;
  $("#guide-btn").setAttribute("aria-expanded", open ? "true" : "false");
  if (!open) store.setItem("cg.guide", "seen");
}
$("#guide-btn").addEventListener("click", () => showGuide($("#guide").hidden));
$("#guide-close").addEventListener("click", () => showGuide(false));
// a click anywhere else (the visitor starts trying) puts it away; it never covers what they use
document.addEventListener(
  "pointerdown",
  (event) => {
    if (!$("#guide").hidden && !event.target.closest("#guide, #guide-btn")) showGuide(false);
  },
  true,
);
if (!store.getItem("cg.guide")) showGuide(true);

$("#thread-close").addEventListener("click", () => {
  ui.thread = null;
  refresh();
});

// ----------------------------------------------------------------------------- composer

function sendFrom(input, threadTs) {
  const text = input.value.trim();
  if (!text || !ui.state) return;
  const channel = ui.channel;
  input.value = "";
  autosize(input);
  hideSuggest();
  ui.stick[threadTs ? "thread" : "main"] = true; // as Slack: what you send brings you to the newest
  if (text.startsWith("/")) {
    post("command", { text, channel });
    return;
  }
  if (!threadTs && ui.state.channel && ui.state.channel.is_app) {
    toast("Sending messages to this app has been turned off; try a slash command like /campaign help.");
    return;
  }
  post("message", { text, channel, thread_ts: threadTs || null });
}

function autosize(input) {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function hideSuggest() {
  $("#suggest").hidden = true;
}

function suggest(input) {
  const box = $("#suggest");
  const text = input.value;
  if (!ui.state || !text.startsWith("/") || text.includes(" ")) return hideSuggest();
  const matches = ui.state.commands.filter((c) => c.command.startsWith(text));
  if (!matches.length) return hideSuggest();
  box.replaceChildren(
    ...matches.map((c) =>
      el(
        "button",
        {
          type: "button",
          class: "suggest-item",
          onclick: () => {
            input.value = `${c.command} `;
            hideSuggest();
            input.focus();
          },
        },
        el("span", { class: "suggest-cmd", text: c.command }),
        el("span", { class: "suggest-hint", text: c.usage_hint }),
        el("span", { class: "suggest-desc", text: c.description }),
      ),
    ),
  );
  box.hidden = false;
}

function wireComposer(form, input, threadTs) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendFrom(input, threadTs());
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFrom(input, threadTs());
    }
  });
  input.addEventListener("input", () => {
    autosize(input);
    if (!threadTs()) suggest(input);
  });
}

wireComposer($("#composer"), $("#composer-input"), () => null);
wireComposer($("#thread-composer"), $("#thread-input"), () => (ui.thread ? ui.thread.ts : null));

refresh()
  .then(() => {
    if (ui.state && ui.channel === ui.state.app.dm && ui.pane === "home" && !ui.homeOpenedFor) openHome();
  })
  .catch((error) => toast(`Could not load the playground: ${error}`));
pollLoop();
