// The local console: renders the stand-in workspace live (server-sent events) and sends what a
// person does in Slack (a /deploy command, a button click) to the real app as signed requests.
import { renderMessageBody } from './render-blocks.js';
import { escapeHtml, renderMrkdwn, renderPlain } from './render-mrkdwn.js';

const $ = (id) => document.getElementById(id);
const el = (tag, className, html) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
};

const state = {
  ready: false,
  bot: { id: 'UBOT', name: 'Stagecoach' },
  channels: [],
  users: [],
  messages: new Map(),
  channel: undefined,
  user: localStorage.getItem('stagecoach.user') ?? undefined,
  collapsed: new Set(),
  dismissed: new Set(),
  unread: new Map(),
  changedAt: new Map(),
  history: JSON.parse(localStorage.getItem('stagecoach.history') ?? '[]'),
  historyIndex: -1,
  scrollToBottom: true,
  /** Modals open for people (views.open), by view id. */
  views: new Map(),
};
const messageCache = new Map();
const groupCache = new Map();
const avatarColors = ['#c0504d', '#4f81bd', '#2e8b57', '#8064a2', '#d97c28', '#148f85'];
const FLASH_MS = 1600;

const keyOf = (m) => `${m.channel}/${m.ts}`;
const byTs = (a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);
const userById = (id) => state.users.find((user) => user.id === id);
const shortName = (id) => (id === state.bot.id ? state.bot.name : userById(id)?.name.split(' ')[0]);
const channelById = (id) => state.channels.find((channel) => channel.id === id);
const visible = (m) => (!m.ephemeral || m.user === state.user) && !state.dismissed.has(keyOf(m));
const timeOf = (ts) =>
  new Date(Number(ts.split('.')[0]) * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
const roleLabel = (role) => role.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
const colorOf = (id) =>
  avatarColors[[...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % avatarColors.length];

const renderCtx = {
  userName: shortName,
  channelName: (id) => channelById(id)?.name,
  onButton: clickButton,
};

// ---- live feed -------------------------------------------------------------------------------

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('snapshot', (event) => applySnapshot(JSON.parse(event.data)));
  source.addEventListener('upsert', (event) => upsert(JSON.parse(event.data).message));
  source.addEventListener('delete', (event) => {
    const { channel, ts } = JSON.parse(event.data);
    state.messages.delete(`${channel}/${ts}`);
    schedule();
  });
  source.addEventListener('view', (event) => {
    const { view } = JSON.parse(event.data);
    state.views.set(view.id, view);
    renderModal();
  });
  source.addEventListener('view_closed', (event) => {
    state.views.delete(JSON.parse(event.data).id);
    renderModal();
  });
  source.addEventListener('channel', (event) => {
    const { channel } = JSON.parse(event.data);
    if (!channelById(channel.id)) state.channels.push(channel);
    schedule();
  });
  source.onopen = () => setConnection('live', 'live');
  source.onerror = () =>
    source.readyState === EventSource.CLOSED
      ? setConnection('down', 'disconnected: reload the page')
      : setConnection('connecting', 'reconnecting…');
}

function applySnapshot(snapshot) {
  state.bot = snapshot.bot;
  state.channels = snapshot.channels;
  state.users = snapshot.users;
  state.messages = new Map(snapshot.messages.map((m) => [keyOf(m), m]));
  state.views = new Map((snapshot.views ?? []).map((v) => [v.id, v]));
  $('workspace-dir').textContent = snapshot.workspaceDir;
  $('workspace-dir').title = `Plan commands run in ${snapshot.workspaceDir} (WORKSPACE_DIR)`;
  if (!userById(state.user)) state.user = state.users[0]?.id;
  const fromHash = decodeURIComponent(location.hash.slice(1).split('/')[0] ?? '');
  if (!channelById(state.channel)) state.channel = channelById(fromHash) ? fromHash : snapshot.defaultChannel;
  messageCache.clear();
  groupCache.clear();
  state.ready = true;
  state.scrollToBottom = true;
  renderUsers();
  schedule();
}

function upsert(message) {
  const key = keyOf(message);
  const isNew = !state.messages.has(key);
  state.messages.set(key, message);
  state.changedAt.set(key, Date.now());
  if (isNew && state.ready && message.channel !== state.channel && visible(message)) {
    state.unread.set(message.channel, (state.unread.get(message.channel) ?? 0) + 1);
  }
  schedule();
}

function setConnection(kind, text) {
  const node = $('connection');
  node.className = `connection ${kind}`;
  node.textContent = text;
}

// ---- rendering -------------------------------------------------------------------------------

let scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    render();
  });
}

function render() {
  if (!state.ready) return;
  renderChannels();
  renderHeader();
  renderMessages();
  const unread = [...state.unread.values()].reduce((sum, n) => sum + n, 0);
  document.title = `${unread > 0 ? `(${unread}) ` : ''}#${channelById(state.channel)?.name ?? ''} · Stagecoach`;
}

function renderChannels() {
  const list = $('channel-list');
  list.replaceChildren(
    ...state.channels.map((channel) => {
      const unread = state.unread.get(channel.id) ?? 0;
      const button = el('button', channel.id === state.channel ? 'active' : unread > 0 ? 'unread' : '');
      button.type = 'button';
      button.dataset.channel = channel.id;
      button.innerHTML = `<span>#</span><span>${escapeHtml(channel.name)}</span>${unread > 0 ? `<span class="badge">${unread}</span>` : ''}`;
      button.addEventListener('click', () => selectChannel(channel.id));
      const item = el('li');
      item.append(button);
      return item;
    }),
  );
}

function renderUsers() {
  const select = $('user-select');
  select.replaceChildren(
    ...state.users.map((user) => {
      const option = el('option');
      option.value = user.id;
      option.textContent = user.name;
      return option;
    }),
  );
  select.value = state.user ?? '';
  $('people-list').replaceChildren(
    ...state.users.map((user) => {
      const button = el('button', user.id === state.user ? 'active' : '');
      button.type = 'button';
      button.dataset.user = user.id;
      const roles = user.roles.length > 0 ? user.roles.map(roleLabel).join(', ') : 'no role';
      button.title = `${user.name} (${user.id}): ${roles}`;
      button.innerHTML = `<span class="avatar-dot" style="background:${colorOf(user.id)}">${escapeHtml(user.name[0])}</span><span>${escapeHtml(user.name.split(' ')[0])}</span><span class="person-role">${escapeHtml(roles)}</span>`;
      button.addEventListener('click', () => selectUser(user.id));
      const item = el('li');
      item.append(button);
      return item;
    }),
  );
  const viewer = userById(state.user);
  $('viewer').innerHTML = viewer ? `Acting as <strong>${escapeHtml(viewer.name)}</strong>` : '';
}

function renderHeader() {
  const channel = channelById(state.channel);
  $('channel-name').textContent = `#${channel?.name ?? state.channel}`;
  $('channel-purpose').textContent = channel?.purpose
    ? `${channel.purpose} · ${channel.id}`
    : (channel?.id ?? '');
}

function renderMessages() {
  const pane = $('messages');
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 80;
  const list = [...state.messages.values()]
    .filter((m) => m.channel === state.channel && visible(m))
    .sort(byTs);
  const shown = new Set(list.map((m) => m.ts));
  const roots = [];
  const replies = new Map();
  for (const m of list) {
    // A reply whose root this user cannot see is shown on its own.
    if (m.thread_ts && m.thread_ts !== m.ts && shown.has(m.thread_ts)) {
      replies.set(m.thread_ts, [...(replies.get(m.thread_ts) ?? []), m]);
      // "Also send to channel": shown in the channel as well, like Slack does.
      if (m.broadcast) roots.push(m);
    } else {
      roots.push(m);
    }
  }
  const nodes = roots.map((root) => threadGroup(root, replies.get(root.ts) ?? []));
  syncChildren(pane, nodes.length > 0 ? nodes : [emptyState()]);
  if (atBottom || state.scrollToBottom) pane.scrollTop = pane.scrollHeight;
  state.scrollToBottom = false;
}

let emptyNode;
function emptyState() {
  emptyNode ??= el(
    'div',
    'empty',
    '<p><strong>Nothing here yet.</strong></p><p>Pick <em>Lee (deployment lead)</em> below and send <code>/deploy start v4.0.0</code>, or <code>/deploy help</code> to see every command.</p>',
  );
  return emptyNode;
}

function threadGroup(root, threadReplies) {
  const key = keyOf(root);
  let group = groupCache.get(key);
  if (!group) {
    group = {
      element: el('div', 'thread-group'),
      toggle: el('button', 'thread-toggle'),
      thread: el('div', 'thread'),
    };
    group.toggle.type = 'button';
    group.toggle.addEventListener('click', () => {
      if (state.collapsed.has(key)) state.collapsed.delete(key);
      else state.collapsed.add(key);
      schedule();
    });
    groupCache.set(key, group);
  }
  group.element.dataset.ts = root.ts;
  const children = [messageElement(root, false)];
  if (threadReplies.length > 0) {
    const collapsed = state.collapsed.has(key);
    const n = threadReplies.length;
    const label = `${collapsed ? '▸' : '▾'} ${n} ${n === 1 ? 'reply' : 'replies'} <span class="muted">· last at ${timeOf(threadReplies[n - 1].ts)}</span>`;
    if (group.toggle.innerHTML !== label) group.toggle.innerHTML = label;
    group.toggle.setAttribute('aria-expanded', String(!collapsed));
    children.push(group.toggle);
    if (!collapsed) {
      syncChildren(
        group.thread,
        threadReplies.map((reply) => messageElement(reply, true)),
      );
      children.push(group.thread);
    }
  }
  syncChildren(group.element, children);
  return group.element;
}

function messageElement(message, inThread) {
  // A reply also sent to the channel is shown twice: each place keeps its own element.
  const key = `${keyOf(message)}${inThread ? '/reply' : ''}`;
  const cached = messageCache.get(key);
  if (cached && cached.message === message) return cached.element;
  const element = buildMessage(message, inThread);
  messageCache.set(key, { message, inThread, element });
  return element;
}

function buildMessage(m, inThread) {
  const isBot = m.author === state.bot.id;
  const article = el('article', `message${m.ephemeral ? ' ephemeral' : ''}${inThread ? ' reply' : ''}`);
  article.dataset.ts = m.ts;
  article.dataset.channel = m.channel;
  article.dataset.kind = m.kind;
  const changed = state.changedAt.get(keyOf(m));
  if (changed && Date.now() - changed < FLASH_MS) {
    article.classList.add('flash');
    article.style.animationDelay = `-${Date.now() - changed}ms`;
  }
  const author = isBot ? state.bot.name : (userById(m.author)?.name ?? m.author);
  const avatar = el('div', `avatar${isBot ? ' bot' : ''}`, escapeHtml(author[0] ?? '?'));
  if (!isBot) avatar.style.background = colorOf(m.author);
  const content = el('div', 'message-content');
  const head = el(
    'div',
    'message-head',
    `<span class="author">${escapeHtml(author)}</span>${isBot ? '<span class="app-badge">APP</span>' : ''}<span class="time" title="${escapeHtml(m.ts)}">${timeOf(m.ts)}</span>${m.updates > 0 ? '<span class="edited">(edited)</span>' : ''}`,
  );
  if (m.pinned) head.append(el('span', 'pinned', '📌 Pinned'));
  if (m.broadcast) head.append(el('span', 'broadcast', 'replied to a thread'));
  if (m.ephemeral) {
    head.append(el('span', 'only-you', '👁 Only visible to you'));
    const dismiss = el('button', 'dismiss', 'Dismiss');
    dismiss.type = 'button';
    dismiss.addEventListener('click', () => {
      state.dismissed.add(keyOf(m));
      schedule();
    });
    head.append(dismiss);
  }
  content.append(head);
  content.append(
    m.kind === 'command'
      ? el('div', 'command-echo mrkdwn', `<code>${escapeHtml(m.text)}</code>`)
      : renderMessageBody(m, renderCtx),
  );
  article.append(avatar, content);
  return article;
}

/** Makes parent's children exactly `nodes`, touching only the part that changed (keeps hover and focus). */
function syncChildren(parent, nodes) {
  const current = parent.childNodes;
  let same = 0;
  while (same < current.length && same < nodes.length && current[same] === nodes[same]) same += 1;
  if (same === nodes.length && same === current.length) return;
  while (parent.childNodes.length > same) parent.lastChild.remove();
  parent.append(...nodes.slice(same));
}

// ---- actions ---------------------------------------------------------------------------------

function selectChannel(id) {
  state.channel = id;
  state.unread.delete(id);
  state.scrollToBottom = true;
  history.replaceState(null, '', `#${encodeURIComponent(id)}`);
  schedule();
}

function selectUser(id) {
  state.user = id;
  localStorage.setItem('stagecoach.user', id);
  renderUsers();
  schedule();
  renderModal();
}

async function postJson(url, body) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    return response.ok ? json : { ok: false, error: json.error ?? `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: `the console server is unreachable (${error.message})` };
  }
}

async function clickButton({ element, block, message, button }) {
  if (element.confirm && !(await confirmDialog(element.confirm))) return;
  button.disabled = true;
  try {
    const result = await postJson('/console/action', {
      user: state.user,
      channel: message.channel,
      messageTs: message.ts,
      actionId: element.action_id,
      blockId: block.block_id ?? '',
      value: element.value ?? '',
    });
    if (!result.ok) toast(result.error, true);
  } finally {
    button.disabled = false;
  }
}

// ---- modals (views.open), as Slack shows them ------------------------------------------------

/** Shows the newest modal open for the person acting, or closes the dialog when there is none. */
function renderModal() {
  const dialog = $('modal-dialog');
  const open = [...state.views.values()].filter((v) => v.user === state.user).at(-1);
  if (!open) {
    if (dialog.open) dialog.close();
    dialog.dataset.viewId = '';
    return;
  }
  if (dialog.open && dialog.dataset.viewId === open.id) return;
  dialog.dataset.viewId = open.id;
  const { view } = open;
  $('modal-title').innerHTML = renderPlain(view.title?.text ?? '');
  $('modal-submit').innerHTML = renderPlain(view.submit?.text ?? 'Submit');
  $('modal-cancel').innerHTML = renderPlain(view.close?.text ?? 'Cancel');
  const body = $('modal-body');
  body.replaceChildren(...(view.blocks ?? []).map(modalBlock));
  if (!dialog.open) dialog.showModal();
  body.querySelector('textarea, input, select')?.focus();
}

function modalBlock(block) {
  if (block.type !== 'input') {
    const node = el('div', 'modal-section mrkdwn');
    node.innerHTML =
      block.text?.type === 'mrkdwn'
        ? renderMrkdwn(block.text.text, renderCtx)
        : renderPlain(block.text?.text ?? '');
    return node;
  }
  const wrap = el('label', 'modal-input');
  wrap.dataset.blockId = block.block_id;
  const label = el('span', 'modal-label', renderPlain(block.label?.text ?? ''));
  const element = block.element ?? {};
  let control;
  if (element.type === 'static_select') {
    control = document.createElement('select');
    control.append(new Option(element.placeholder?.text ?? 'Choose…', ''));
    for (const option of element.options ?? [])
      control.append(new Option(option.text?.text ?? option.value, option.value));
    control.dataset.kind = 'option';
  } else {
    control = document.createElement(element.multiline ? 'textarea' : 'input');
    control.placeholder = element.placeholder?.text ?? '';
    if (element.max_length) control.maxLength = element.max_length;
    control.dataset.kind = 'text';
  }
  control.name = block.block_id;
  control.required = !block.optional;
  const error = el('span', 'modal-error');
  wrap.append(label, control, error);
  return wrap;
}

async function submitModal(event) {
  event.preventDefault();
  const dialog = $('modal-dialog');
  const viewId = dialog.dataset.viewId;
  const values = {};
  for (const control of $('modal-body').querySelectorAll('[data-kind]')) {
    values[control.name] =
      control.dataset.kind === 'option' ? { option: control.value } : { text: control.value };
  }
  for (const error of $('modal-body').querySelectorAll('.modal-error')) error.textContent = '';
  $('modal-submit').disabled = true;
  try {
    const result = await postJson('/console/view', { user: state.user, viewId, values });
    if (result.errors) {
      // Shown under the field, as Slack does with response_action "errors".
      for (const [blockId, text] of Object.entries(result.errors)) {
        const node = $('modal-body').querySelector(`[data-block-id="${CSS.escape(blockId)}"] .modal-error`);
        if (node) node.textContent = text;
      }
    } else if (!result.ok) {
      toast(result.error ?? 'the form could not be sent', true);
    }
  } finally {
    $('modal-submit').disabled = false;
  }
}

async function cancelModal() {
  const viewId = $('modal-dialog').dataset.viewId;
  if (viewId) await postJson('/console/view', { user: state.user, viewId, cancel: true });
}

function confirmDialog(confirm) {
  const dialog = $('confirm-dialog');
  const text =
    confirm.text?.type === 'mrkdwn'
      ? renderMrkdwn(confirm.text.text, renderCtx)
      : renderPlain(confirm.text?.text);
  $('confirm-title').innerHTML = renderPlain(confirm.title?.text ?? 'Are you sure?');
  $('confirm-text').innerHTML = text;
  $('confirm-ok').innerHTML = renderPlain(confirm.confirm?.text ?? 'Yes');
  $('confirm-ok').className = confirm.style === 'danger' ? 'danger' : 'primary';
  $('confirm-deny').innerHTML = renderPlain(confirm.deny?.text ?? 'Cancel');
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
    // The safe choice has the focus, so a stray Enter never confirms something dangerous.
    $('confirm-deny').focus();
  });
}

async function sendCommand(event) {
  event.preventDefault();
  const input = $('command-input');
  const text = input.value.trim();
  if (text === '') return;
  $('send').disabled = true;
  const result = await postJson('/console/command', { user: state.user, channel: state.channel, text });
  $('send').disabled = false;
  if (!result.ok) {
    toast(result.error, true);
    return;
  }
  state.history = [text, ...state.history.filter((earlier) => earlier !== text)].slice(0, 50);
  localStorage.setItem('stagecoach.history', JSON.stringify(state.history));
  state.historyIndex = -1;
  input.value = '';
  state.scrollToBottom = true;
  // `/deploy role ...` may change who holds what.
  if (/^\/?(deploy\s+)?role\s/.test(text)) setTimeout(refreshUsers, 400);
}

async function refreshUsers() {
  const response = await fetch('/console/state');
  if (!response.ok) return;
  state.users = (await response.json()).users;
  renderUsers();
}

function recallHistory(event) {
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  const step = event.key === 'ArrowUp' ? 1 : -1;
  const next = Math.min(state.history.length - 1, Math.max(-1, state.historyIndex + step));
  if (next === state.historyIndex) return;
  event.preventDefault();
  state.historyIndex = next;
  event.target.value = next < 0 ? '' : state.history[next];
}

let toastTimer;
function toast(text, isError = false) {
  const node = $('toast');
  node.textContent = text;
  node.className = `toast${isError ? ' error' : ''}`;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.hidden = true;
  }, 6000);
}

function renderSuggestions() {
  const examples = [
    '/deploy help',
    '/deploy start v4.0.0',
    '/deploy start v4.0.0 --dry-run',
    '/deploy status',
    '/deploy roles',
    '/deploy abort',
  ];
  $('suggestions').replaceChildren(
    ...examples.map((example) => {
      const chip = el('button');
      chip.type = 'button';
      chip.textContent = example;
      chip.addEventListener('click', () => {
        $('command-input').value = example;
        $('command-input').focus();
      });
      return chip;
    }),
  );
}

$('composer').addEventListener('submit', sendCommand);
$('modal-form').addEventListener('submit', submitModal);
$('modal-cancel').addEventListener('click', cancelModal);
// Escape closes a modal in Slack without submitting it: the same here.
$('modal-dialog').addEventListener('cancel', (event) => {
  event.preventDefault();
  cancelModal();
});
$('command-input').addEventListener('keydown', recallHistory);
$('user-select').addEventListener('change', (event) => selectUser(event.target.value));
$('messages').addEventListener('click', (event) => {
  const link = event.target.closest('.channel-link');
  if (!link) return;
  event.preventDefault();
  if (channelById(link.dataset.channel)) selectChannel(link.dataset.channel);
});
renderSuggestions();
connect();
$('command-input').focus();
