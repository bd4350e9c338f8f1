// Slack mrkdwn → safe HTML. Everything from a message is escaped; only tags built here survive.

const emoji = {
  alarm_clock: '⏰',
  arrow_forward: '▶️',
  arrow_right: '➡️',
  arrows_counterclockwise: '🔄',
  ballot_box_with_check: '☑️',
  bar_chart: '📊',
  bell: '🔔',
  calendar: '📅',
  chart_with_upwards_trend: '📈',
  checkered_flag: '🏁',
  clipboard: '📋',
  construction: '🚧',
  double_vertical_bar: '⏸️',
  eyes: '👀',
  fire: '🔥',
  floppy_disk: '💾',
  gear: '⚙️',
  heavy_check_mark: '✔️',
  heavy_minus_sign: '➖',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  large_blue_circle: '🔵',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  leftwards_arrow_with_hook: '↩️',
  lock: '🔒',
  mag: '🔍',
  memo: '📝',
  mega: '📣',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  package: '📦',
  pause_button: '⏸️',
  raised_hand: '✋',
  red_circle: '🔴',
  rewind: '⏪',
  rocket: '🚀',
  rotating_light: '🚨',
  stop_sign: '🛑',
  stopwatch: '⏱️',
  tada: '🎉',
  thumbsup: '👍',
  '+1': '👍',
  unlock: '🔓',
  vertical_traffic_light: '🚦',
  warning: '⚠️',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
  zap: '⚡',
};

const htmlEscapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => htmlEscapes[c]);
// Slack escapes &, < and > in message text; show the characters they stand for.
const unescapeSlack = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** :shortcode: → emoji, for the ones a deployment bot uses; unknown codes stay as text. */
export function emojify(escaped, wrap = (html) => html) {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (code, name) =>
    Object.hasOwn(emoji, name) ? wrap(`<span class="emoji" title="${code}">${emoji[name]}</span>`) : code,
  );
}

/** A plain_text object's text. */
export function renderPlain(text, withEmoji = true) {
  const escaped = escapeHtml(unescapeSlack(String(text ?? '')));
  return withEmoji ? emojify(escaped) : escaped;
}

/**
 * ctx.userName(id) and ctx.channelName(id) name mentions. Code is extracted first so nothing inside
 * it is formatted, then <…> entities, then the rest is escaped and formatted.
 */
export function renderMrkdwn(text, ctx) {
  const stash = [];
  // Placeholders for finished HTML are private-use characters, removed from the text beforehand.
  const keep = (html) => `\uE000${stash.push(html) - 1}\uE001`;
  let s = String(text ?? '').replace(/[\uE000\uE001]/g, '');
  s = s.replace(/```\n?([\s\S]*?)```/g, (_, code) =>
    keep(`<pre class="code-block">${escapeHtml(unescapeSlack(code))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  s = s.replace(/<([^<>\s][^<>]*)>/g, (_, inner) => keep(renderEntity(inner, ctx)));
  // Emoji are stashed too, so the underscores in their titles are never read as italics.
  s = emojify(escapeHtml(unescapeSlack(s)), keep);
  s = s.replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, '$1<strong>$2</strong>');
  s = s.replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?!\w)/g, '$1<em>$2</em>');
  s = s.replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?!\w)/g, '$1<del>$2</del>');
  s = s
    .split('\n')
    .map((line) => (/^&gt;( |$)/.test(line) ? `<blockquote>${line.slice(5)}</blockquote>` : line))
    .join('\n')
    .replace(/<\/blockquote>\n/g, '</blockquote>')
    .replace(/\n/g, '<br>');
  return s.replace(/\uE000(\d+)\uE001/g, (_, index) => stash[Number(index)]);
}

function renderEntity(inner, ctx) {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : unescapeSlack(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention" title="${escapeHtml(id)}">@${escapeHtml(ctx.userName(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = label ?? ctx.channelName(id) ?? id;
    return `<a href="#" class="channel-link" data-channel="${escapeHtml(id)}">#${escapeHtml(name)}</a>`;
  }
  if (target.startsWith('!')) {
    const [command, ...rest] = target.slice(1).split('^');
    if (command === 'date') {
      const when = new Date(Number(rest[0]) * 1000);
      if (Number.isNaN(when.getTime())) return escapeHtml(label ?? '');
      return `<time datetime="${when.toISOString()}" title="${escapeHtml(label ?? '')}">${escapeHtml(formatDateToken(rest[1] ?? '{date_short_pretty} {time}', when))}</time>`;
    }
    const name = command === 'subteam' ? (label ?? 'group').replace(/^@/, '') : command;
    return `<span class="mention">@${escapeHtml(name)}</span>`;
  }
  const url = unescapeSlack(target);
  if (/^(https?:|mailto:)/i.test(url)) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label ?? url)}</a>`;
  }
  return escapeHtml(`<${unescapeSlack(inner)}>`);
}

/** Slack's date tokens, in the reader's (the browser's) time zone, as Slack shows them. */
export function formatDateToken(format, when, now = new Date()) {
  const day = (date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const days = Math.round((day(when) - day(now)) / 86_400_000);
  const short = when.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  const pretty = days === 0 ? 'Today' : days === -1 ? 'Yesterday' : days === 1 ? 'Tomorrow' : short;
  const tokens = {
    date_short_pretty: pretty,
    date_pretty:
      days >= -1 && days <= 1 ? pretty : when.toLocaleDateString('en-US', { month: 'long', day: 'numeric' }),
    date_short: short,
    date: when.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' }),
    date_num: when.toISOString().slice(0, 10),
    time: when.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' }),
    time_secs: when.toLocaleTimeString('en-US'),
  };
  return format.replace(/\{(\w+)\}/g, (token, name) => tokens[name] ?? token);
}
