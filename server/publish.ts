/**
 * POST /publish: `{"topic"?: string, "event"?: string, "data": string}` -> 200 `{"id": "..."}`.
 *
 * The 200 is the acknowledgement publishers rely on, so it is sent only after the event log
 * committed the event (see file-log.ts for what "committed" means on disk). Everything else is a
 * clear refusal that appends nothing: 401 (bearer token), 413 (body limit), 400 (bad JSON or
 * fields, with the reason), 503 (shutting down or the log failed; safe to retry elsewhere). A 503
 * after a store timeout says "not acknowledged": the event may still have been stored.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { z } from 'zod';
import { AppendOutcomeUnknownError, type EventLog } from './event-log.ts';
import { hasLineBreak } from './framing.ts';
import { BodyTooLargeError, readBody, sendJson } from './http-util.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { DEFAULT_TOPIC, TOPIC_PATTERN } from './topics.ts';
import type { Tracing } from './tracing.ts';

export const PublishBody = z.strictObject({
  topic: z
    .string({ error: 'topic must be a string' })
    .regex(TOPIC_PATTERN, 'topic must be 1-128 of A-Z a-z 0-9 _ . : / -')
    .optional(),
  event: z
    .string({ error: 'event must be a string' })
    .min(1, 'event must not be empty (omit it for the default "message")')
    .max(128, 'event must be at most 128 characters')
    .refine((e) => !hasLineBreak(e), 'event must not contain CR or LF')
    .optional(),
  data: z.string({ error: 'data is required and must be a string (send JSON as text)' }),
});

/** Validates a parsed JSON body; returns the reason for a 400 on failure. */
export function validatePublishBody(body: unknown): z.output<typeof PublishBody> | { error: string } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'id' in body) {
    return { error: 'id is assigned by the server; do not send one' };
  }
  const result = PublishBody.safeParse(body);
  if (result.success) return result.data;
  return {
    error: result.error.issues
      .map((i) => (i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message))
      .join('; '),
  };
}

function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time bearer check (digests first, so lengths leak nothing either). */
export function isAuthorized(header: string | undefined, expectedDigest: Buffer): boolean {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  return timingSafeEqual(tokenDigest(m[1]!), expectedDigest);
}

export interface PublishContext {
  log: EventLog;
  metrics: Metrics;
  tracing: Tracing;
  logger: Logger;
  maxBodyBytes: number;
  publishToken: string | undefined;
  /** True once shutdown began: new publishes get 503. */
  isDraining(): boolean;
}

export function createPublishHandler(ctx: PublishContext) {
  const digest = ctx.publishToken === undefined ? undefined : tokenDigest(ctx.publishToken);

  return async function handlePublish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const span = ctx.tracing.tracer.startSpan(
      'sse.publish',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'url.path': '/publish' } },
      ctx.tracing.extract(req.headers),
    );
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      ctx.metrics.publishRequests.inc({ code: String(status) });
      span.setAttribute('http.response.status_code', status);
      if (status >= 400) {
        const reason = (body as { error?: string }).error ?? String(status);
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      }
      sendJson(res, status, body, headers);
    };
    try {
      if (digest && !isAuthorized(req.headers.authorization, digest)) {
        reply(
          401,
          { error: 'missing or wrong bearer token (Authorization: Bearer <token>)' },
          {
            'WWW-Authenticate': 'Bearer',
          },
        );
        return;
      }
      if (ctx.isDraining()) {
        reply(
          503,
          { error: 'server is shutting down; publish to another instance or retry' },
          { 'Retry-After': '1' },
        );
        return;
      }
      let raw: Buffer;
      try {
        raw = await readBody(req, ctx.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          // The rest of the body is unread: close the connection rather than drain it.
          reply(413, { error: err.message }, { Connection: 'close' });
          return;
        }
        throw err;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        reply(400, { error: `body is not valid JSON: ${(err as Error).message}` });
        return;
      }
      const body = validatePublishBody(parsed);
      if ('error' in body) {
        reply(400, { error: body.error });
        return;
      }
      const topic = body.topic ?? DEFAULT_TOPIC;
      span.setAttributes({ 'sse.topic': topic, 'sse.data_bytes': Buffer.byteLength(body.data) });
      if (body.event !== undefined) span.setAttribute('sse.event_type', body.event);
      let ev;
      try {
        const started = performance.now();
        ev = await ctx.log.append({
          topic,
          ...(body.event !== undefined && { event: body.event }),
          data: body.data,
          receivedAt,
        });
        ctx.metrics.appendSeconds.observe((performance.now() - started) / 1000);
      } catch (err) {
        // Either way nothing is acknowledged; the words say whether it may show up anyway.
        const what = err instanceof AppendOutcomeUnknownError ? 'event not acknowledged' : 'event not stored';
        reply(503, { error: `${what}: ${(err as Error).message}` }, { 'Retry-After': '1' });
        return;
      }
      ctx.metrics.eventsPublished.inc();
      span.setAttribute('sse.event_id', ev.id);
      reply(200, { id: ev.id });
    } catch (err) {
      if (req.destroyed && !req.complete) {
        // The publisher went away mid-body: nothing was appended, nobody is waiting for an answer.
        ctx.logger.warn('publish aborted by the client', { error: (err as Error).message });
        ctx.metrics.publishRequests.inc({ code: 'aborted' });
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
        return;
      }
      ctx.logger.error('publish failed', { error: (err as Error).message });
      if (!res.headersSent) reply(500, { error: 'internal error' });
      else res.destroy();
    } finally {
      span.end();
    }
  };
}
