// Block Kit → DOM, for the blocks Stagecoach sends; anything else is shown as a labelled stub.
import { escapeHtml, renderMrkdwn, renderPlain } from './render-mrkdwn.js';

const el = (tag, className, html) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
};

function textObject(object, ctx) {
  if (!object) return '';
  return object.type === 'mrkdwn'
    ? renderMrkdwn(object.text, ctx)
    : renderPlain(object.text, object.emoji !== false);
}

/**
 * The body of a message: its blocks, or its text when it has none. ctx: { userName, channelName,
 * onButton({ element, block, message, button }) }.
 */
export function renderMessageBody(message, ctx) {
  const body = el('div', 'message-body');
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  if (blocks.length === 0 && message.text) body.append(el('div', 'mrkdwn', renderMrkdwn(message.text, ctx)));
  for (const block of blocks) body.append(renderBlock(block, message, ctx));
  for (const file of message.files ?? []) {
    const card = el(
      'a',
      'file-card',
      `<span class="file-icon">📄</span><span>${escapeHtml(file.title)}</span>`,
    );
    card.href = file.url;
    card.download = file.name;
    body.append(card);
  }
  return body;
}

function renderBlock(block, message, ctx) {
  switch (block?.type) {
    case 'header':
      return el('div', 'block-header', textObject(block.text, ctx));
    case 'divider':
      return el('hr', 'block-divider');
    case 'section': {
      const section = el('div', 'block-section');
      const main = el('div', 'section-main');
      if (block.text) main.append(el('div', 'mrkdwn', textObject(block.text, ctx)));
      if (Array.isArray(block.fields)) {
        const fields = el('div', 'block-fields');
        for (const field of block.fields) fields.append(el('div', 'field mrkdwn', textObject(field, ctx)));
        main.append(fields);
      }
      section.append(main);
      if (block.accessory) section.append(renderElement(block.accessory, block, message, ctx));
      return section;
    }
    case 'context': {
      const context = el('div', 'block-context');
      for (const element of block.elements ?? []) {
        if (element.type === 'image') {
          const image = el('img', 'context-image');
          image.src = element.image_url;
          image.alt = element.alt_text ?? '';
          context.append(image);
        } else {
          context.append(el('span', 'mrkdwn', textObject(element, ctx)));
        }
      }
      return context;
    }
    case 'actions': {
      const actions = el('div', 'block-actions');
      for (const element of block.elements ?? []) actions.append(renderElement(element, block, message, ctx));
      return actions;
    }
    case 'image': {
      const figure = el('figure', 'block-image');
      if (block.title) figure.append(el('figcaption', '', textObject(block.title, ctx)));
      const image = el('img');
      image.src = block.image_url;
      image.alt = block.alt_text ?? '';
      figure.append(image);
      return figure;
    }
    case 'rich_text':
      return el('div', 'mrkdwn', escapeHtml(richText(block)).replace(/\n/g, '<br>'));
    default:
      return el('div', 'block-unsupported', `[${escapeHtml(block?.type ?? 'unknown')} block]`);
  }
}

function renderElement(element, block, message, ctx) {
  if (element.type !== 'button') {
    return el('span', 'block-unsupported', `[${escapeHtml(element.type ?? 'element')}]`);
  }
  const button = el(
    'button',
    `block-button${element.style ? ` ${element.style}` : ''}`,
    renderPlain(element.text?.text),
  );
  button.type = 'button';
  button.dataset.actionId = element.action_id ?? '';
  button.dataset.blockId = block.block_id ?? '';
  if (element.confirm) button.dataset.confirm = 'true';
  button.addEventListener('click', () => {
    if (element.url) window.open(element.url, '_blank', 'noopener');
    if (element.action_id) ctx.onButton({ element, block, message, button });
  });
  return button;
}

function richText(node) {
  if (typeof node?.text === 'string') return node.text;
  if (node?.type === 'user') return `@${node.user_id}`;
  return (node?.elements ?? []).map(richText).join(node?.type === 'rich_text_list' ? '\n' : '');
}
