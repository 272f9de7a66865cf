// A small Markdown renderer for answers: paragraphs, headings, lists, code blocks, inline code,
// bold, italics and links. It builds DOM nodes and puts every piece of the model's text in as a
// text node, so markup in an answer (<script>, <img onerror>) is shown, never run.

import { h } from './dom.js';

export function render(text) {
  const out = document.createDocumentFragment();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const code = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      i++;
      out.append(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if (/^#{1,3} /.test(line)) {
      const level = line.indexOf(' ');
      out.append(h(`h${level + 2}`, {}, inline(line.slice(level + 1))));
      i++;
    } else if (/^\s*([-*]|\d+\.) /.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = h(ordered ? 'ol' : 'ul');
      for (; i < lines.length && /^\s*([-*]|\d+\.) /.test(lines[i]); i++) {
        list.append(h('li', {}, inline(lines[i].replace(/^\s*([-*]|\d+\.) /, ''))));
      }
      out.append(list);
    } else if (line.trim() === '') {
      i++;
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(```|#{1,3} |\s*([-*]|\d+\.) )/.test(lines[i]); i++) {
        para.push(lines[i]);
      }
      out.append(h('p', {}, inline(para.join('\n'))));
    }
  }
  return out;
}

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(\[[^\]]+\]\((https?:\/\/[^)\s]+)\))/;

function inline(text) {
  const parts = [];
  let rest = text;
  for (let m = rest.match(INLINE); m; m = rest.match(INLINE)) {
    if (m.index > 0) parts.push(rest.slice(0, m.index));
    const token = m[0];
    if (m[1]) parts.push(h('code', {}, token.slice(1, -1)));
    else if (m[2]) parts.push(h('strong', {}, token.slice(2, -2)));
    else if (m[3]) parts.push(h('em', {}, token.slice(1, -1)));
    else {
      const label = token.slice(1, token.indexOf(']'));
      parts.push(h('a', { href: m[5], rel: 'noopener noreferrer nofollow', target: '_blank' }, label));
    }
    rest = rest.slice(m.index + token.length);
  }
  if (rest) parts.push(rest);
  return parts;
}
