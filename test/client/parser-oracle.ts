/**
 * The test oracle for the event-stream parser: the WHATWG rules read literally over a fully decoded
 * string. Slow and obviously right; every parser test compares against it.
 */
import type { Collected } from './parse-helpers.ts';

/** The spec, read literally over a fully decoded string: slow and obviously right. */
export function oracle(bytes: Uint8Array): Collected {
  const text = new TextDecoder('utf-8').decode(bytes); // strips one leading BOM, replaces bad bytes
  const out: Collected = { events: [], retries: [], comments: [], lastEventId: '' };
  const parts = text.split(/\r\n|\r|\n/);
  parts.pop(); // the text after the last line end is not a line (unterminated: discarded)
  let data = '';
  let type = '';
  let idBuf = '';
  for (const line of parts) {
    if (line === '') {
      out.lastEventId = idBuf;
      if (data === '') {
        type = '';
        continue;
      }
      if (data.endsWith('\n')) data = data.slice(0, -1);
      out.events.push({ type: type || 'message', data, lastEventId: idBuf });
      data = '';
      type = '';
      continue;
    }
    if (line.startsWith(':')) {
      out.comments.push(line.slice(1));
      continue;
    }
    const c = line.indexOf(':');
    const field = c === -1 ? line : line.slice(0, c);
    let value = c === -1 ? '' : line.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data += value + '\n';
    else if (field === 'event') type = value;
    else if (field === 'id') {
      if (!value.includes('\0')) idBuf = value;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) out.retries.push(Number(value));
  }
  return out;
}
