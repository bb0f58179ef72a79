/**
 * A small parser for the Prometheus text exposition format (version 0.0.4), flattening every sample
 * to `name{label="v",...}` -> value. prom-client can only produce this format, not read it, and the
 * runner needs just the samples (no types, no help), so a tolerant line parser is all it takes.
 *
 * Labels keep the order the exporter wrote them in, so keys are stable for one exporter.
 * Comment lines (`# HELP`, `# TYPE`), blank lines and optional timestamps are ignored.
 */

/** Parses exposition text into flat samples; throws with the line number on a malformed sample. */
export function parsePrometheusText(text: string): Record<string, number> {
  const samples: Record<string, number> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseSampleLine(line);
    if (!parsed) throw new Error(`metrics line ${i + 1}: not a Prometheus sample: ${JSON.stringify(line)}`);
    samples[parsed.key] = parsed.value;
  }
  return samples;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseSampleLine(line: string): { key: string; value: number } | undefined {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  let pos = name.length;
  let labels = '';
  if (line[pos] === '{') {
    const end = scanLabels(line, pos + 1);
    if (end === undefined) return undefined;
    const normalised = normaliseLabels(line.slice(pos + 1, end));
    if (normalised === undefined) return undefined;
    labels = normalised;
    pos = end + 1;
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') return undefined;
  const value = parseValue(rest[0]!);
  if (value === undefined) return undefined;
  return { key: labels ? `${name}{${labels}}` : name, value };
}

/** Returns the index of the closing `}` of a label set, honouring quoted values with escapes. */
function scanLabels(line: string, from: number): number | undefined {
  let inQuotes = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '}') return i;
  }
  return undefined;
}

/** Drops a trailing comma (allowed by the format) and surrounding blanks, keeps the pairs verbatim. */
function normaliseLabels(body: string): string | undefined {
  const pairs: string[] = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body)) !== null) {
    pairs.push(`${m[1]}="${m[2]}"`);
    consumed = re.lastIndex;
  }
  if (body.slice(consumed).trim() !== '') return undefined;
  return pairs.join(',');
}

/**
 * Values follow Go's ParseFloat, so NaN and Inf are case-insensitive: prom-client really prints
 * `Nan` (e.g. `nodejs_eventloop_lag_mean_seconds Nan` right after a process starts).
 */
function parseValue(s: string): number | undefined {
  switch (s.toLowerCase()) {
    case 'nan':
      return NaN;
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}
