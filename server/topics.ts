/**
 * Topic names. They travel in a comma-separated query parameter (`?topics=a,b`), so a name cannot
 * contain a comma; the pattern below keeps them URL- and log-friendly.
 */
export const TOPIC_PATTERN = /^[A-Za-z0-9_.:/-]{1,128}$/;
export const DEFAULT_TOPIC = 'default';

export type TopicFilter = ReadonlySet<string> | null;

/** Parses `?topics=`: null (all topics) when absent or empty, an error message for a bad name. */
export function parseTopicsParam(value: string | null): { filter: TopicFilter } | { error: string } {
  if (value === null) return { filter: null };
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) return { filter: null };
  const bad = names.find((n) => !TOPIC_PATTERN.test(n));
  if (bad !== undefined) {
    return { error: `invalid topic ${JSON.stringify(bad)}: use 1-128 of A-Z a-z 0-9 _ . : / -` };
  }
  return { filter: new Set(names) };
}

export function matchesTopic(filter: TopicFilter, topic: string): boolean {
  return filter === null || filter.has(topic);
}
