/**
 * Escaping for every output format. Scenario names, diagnoses and logs are free text that can hold
 * `<`, `&`, control characters or `</script>`: every renderer routes text through one of these.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** C0 control characters other than tab/LF/CR: they render as boxes and mean nothing to a reader. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g;

/** Text or attribute value for HTML (control characters become U+FFFD). */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(CONTROL_CHARS, '\uFFFD')
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Characters XML 1.0 forbids even escaped (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/FFFF). */
const XML_FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text or attribute value for XML: forbidden characters become U+FFFD so the file always parses. */
export function escapeXml(value: unknown): string {
  return String(value)
    .replace(XML_FORBIDDEN, '\uFFFD')
    .replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : (HTML_ESCAPES[c] ?? c)));
}

/**
 * JSON to embed inside `<script type="application/json">`: `<` is escaped so no `</script>` or
 * `<!--` can end or confuse the element, and U+2028/2029 are escaped for old JS parsers. The result
 * is still valid JSON that `JSON.parse` reads back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A Markdown table cell: pipes escaped, newlines folded, HTML neutralised (GitHub renders inline HTML). */
export function escapeMarkdownCell(value: unknown): string {
  return escapeMarkdownText(value)
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * Markdown running text: HTML neutralised and characters that would start a link, image or
 * emphasis escaped. Balanced `code spans` are kept as code (diagnoses use them for config
 * directives); their content is literal in Markdown, so it needs no escaping.
 */
export function escapeMarkdownText(value: unknown): string {
  const text = String(value);
  const escapePlain = (part: string) =>
    part
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_[\]])/g, '\\$1');
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/`[^`\r\n]+`/g)) {
    out += escapePlain(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapePlain(text.slice(last));
}
