/**
 * Where a new stream starts, decided from the Last-Event-ID it presented. Pure: the inputs are the
 * requested id and the log's window, so every case is unit-testable.
 *
 * - no id (or empty): live only, from the current head. The stream tells the client that head as
 *   an id-only block, so a client cut before its first event still resumes from there.
 * - a known id inside the window (or the one just before the earliest retained event, since nothing
 *   after it is missing): replay strictly after it. The sentinel `<epoch>-000000000000` (sent while
 *   the log was empty) is "before the first event": everything, if the first event is still retained.
 * - malformed, unknown (another log's epoch, or beyond the head) or expired (older than the
 *   window): never a silent gap. The stream gets an explicit `reset` event naming the reason and
 *   the earliest available id, and continues from the earliest retained event.
 */
import { formatId, parsePosition } from './ids.ts';

export type ResetReason = 'malformed' | 'unknown' | 'expired';

export interface LogWindow {
  readonly epoch: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export type Resume =
  | { kind: 'live'; afterSeq: number }
  | { kind: 'replay'; afterSeq: number }
  | { kind: 'reset'; afterSeq: number; reason: ResetReason; requested: string; earliestId: string | null };

export function resolveResume(requested: string | undefined, log: LogWindow): Resume {
  if (requested === undefined || requested === '') return { kind: 'live', afterSeq: log.lastSeq };
  const reset = (reason: ResetReason): Resume => ({
    kind: 'reset',
    afterSeq: log.firstSeq - 1,
    reason,
    requested,
    earliestId: log.firstSeq <= log.lastSeq ? formatId(log.epoch, log.firstSeq) : null,
  });
  const parsed = parsePosition(requested);
  if (!parsed) return reset('malformed');
  if (parsed.epoch !== log.epoch || parsed.seq > log.lastSeq) return reset('unknown');
  if (parsed.seq < log.firstSeq - 1) return reset('expired');
  return { kind: 'replay', afterSeq: parsed.seq };
}
