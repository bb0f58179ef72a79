/**
 * Runtime validation of history records (zod), for histories read back from JSON lines: a check or a
 * report must never run on a record that only looks right. Mirrors records.ts; the compile-time
 * assertion at the bottom fails the typecheck if the two drift apart.
 */
import { z } from 'zod';
import type { HistoryRecord } from './records.ts';

const t = z.number().finite();
const sub = z.number().int().nonnegative();
const profile = z.enum(['browser', 'backoff', 'chromium']);
const lane = z.enum(['edge', 'edge-b']);

export const historyRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run-start'), t, wallClock: z.string(), run: z.string().optional() }),
  z.object({ kind: z.literal('run-end'), t }),
  z.object({
    kind: z.literal('subscriber'),
    t,
    sub,
    profile,
    topics: z.array(z.string()),
    lane,
    client: z.string().optional(),
  }),
  z.object({ kind: z.literal('unsubscribe'), t, sub }),
  z.object({ kind: z.literal('connect'), t, sub, attempt: z.number().int(), lastEventId: z.string() }),
  z.object({
    kind: z.literal('response'),
    t,
    sub,
    status: z.number().int(),
    contentType: z.string(),
    headersMs: z.number(),
    encoding: z.string().optional(),
    upstream: z.string().optional(),
  }),
  z.object({ kind: z.literal('first-byte'), t, sub, ttfbMs: z.number() }),
  z.object({
    kind: z.literal('event'),
    t,
    sub,
    id: z.string(),
    type: z.string(),
    bytes: z.number().int().nonnegative(),
    seq: z.number().optional(),
    topic: z.string().optional(),
    publishedAt: z.number().optional(),
    payload: z.enum(['foreign', 'undecodable']).optional(),
  }),
  z.object({ kind: z.literal('heartbeat'), t, sub }),
  z.object({ kind: z.literal('retry'), t, sub, ms: z.number(), appliedMs: z.number() }),
  z.object({ kind: z.literal('reset'), t, sub, data: z.string() }),
  z.object({
    kind: z.literal('close'),
    t,
    sub,
    reason: z.enum(['eof', 'error', 'stalled', 'aborted', 'http-status', 'content-type', 'parse-error']),
    detail: z.string().optional(),
    status: z.number().int().optional(),
  }),
  z.object({ kind: z.literal('reconnect-wait'), t, sub, delayMs: z.number().nonnegative(), profile }),
  z.object({ kind: z.literal('give-up'), t, sub, reason: z.string() }),
  z.object({ kind: z.literal('publish'), t, seq: z.number(), topic: z.string(), id: z.string(), sentAt: t }),
  z.object({
    kind: z.literal('publish-error'),
    t,
    seq: z.number(),
    topic: z.string(),
    sentAt: t,
    error: z.string(),
  }),
  z.object({
    kind: z.literal('fault-start'),
    t,
    id: z.number(),
    fault: z.string(),
    leg: z
      .union([
        z.enum(['edge', 'edge-b', 'origin', 'redis']),
        z.templateLiteral(['origin-', z.number().int()]),
      ])
      .optional(),
    params: z.record(z.string(), z.unknown()),
  }),
  z.object({
    kind: z.literal('fault-end'),
    t,
    id: z.number(),
    fault: z.string(),
    error: z.string().optional(),
  }),
  z.object({
    kind: z.literal('target'),
    t,
    action: z.enum(['sigterm', 'sigkill', 'exit', 'restart', 'ready']),
    detail: z.string().optional(),
    instance: z.string().optional(),
  }),
  z.object({ kind: z.literal('instance'), t, name: z.string(), upstream: z.string(), leg: z.string() }),
  z.object({
    kind: z.literal('link'),
    t,
    fault: z.string(),
    lossDropped: z.number().int().nonnegative(),
    qdiscPackets: z.number().int().nonnegative(),
    qdiscDropped: z.number().int().nonnegative(),
    qdiscOverlimits: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('redis'),
    t,
    action: z.enum(['stop', 'exit', 'start', 'ready']),
    detail: z.string().optional(),
  }),
  z.object({
    kind: z.literal('nginx'),
    t,
    action: z.enum(['reload', 'quit']),
    profile: z.string().optional(),
  }),
  z.object({ kind: z.literal('metrics'), t, label: z.string(), samples: z.record(z.string(), z.number()) }),
  z.object({ kind: z.literal('phase'), t, phase: z.enum(['workload-start', 'workload-end', 'drained']) }),
]);

// Compile-time: every record the schema accepts is a HistoryRecord, and every kind is covered.
type Parsed = z.infer<typeof historyRecordSchema>;
const _assignable = (p: Parsed): HistoryRecord => p;
type _AllKinds = HistoryRecord['kind'] extends Parsed['kind'] ? true : never;
const _allKinds: _AllKinds = true;
void _assignable;
void _allKinds;
