/** Turns zod issues into one line per problem: `where: field.path: message`. */
import type { z } from 'zod';

export function formatIssues(where: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `${where}: ${i.path.length ? formatPath(i.path) : '(root)'}: ${i.message}`)
    .join('\n');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
