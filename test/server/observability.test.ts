/** Metrics, traces and structured logs reflect what happened on the wire. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, metricValue, publishOk } from './helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

describe('observability', () => {
  it('counts connections, publishes, writes, replays and latency', async () => {
    const { url, server } = await h.start();
    const ids = [await publishOk(url, { data: 'a' }), await publishOk(url, { data: 'b' })];
    const live = await h.stream(url);
    const replay = await h.stream(url, '/events', { 'Last-Event-ID': ids[0]! });
    await replay.waitFor((x) => x.events.length === 1);
    await live.waitFor((x) => x.items.length > 0);
    await publishOk(url, { data: 'c' });
    await Promise.all([live, replay].map((s) => s.waitFor((x) => x.events.at(-1)?.data === 'c')));
    expect(await metricValue(url, 'sse_active_connections')).toBe(2);
    live.close();
    for (let i = 0; server.openStreams > 1 && i < 500; i += 1) await new Promise((r) => setTimeout(r, 10));

    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    expect(value('sse_active_connections')).toBe(1);
    expect(value('sse_connections_opened_total')).toBe(2);
    expect(value('sse_connections_closed_total{reason="client"}')).toBe(1);
    expect(value('sse_events_published_total')).toBe(3);
    expect(value('sse_events_written_total')).toBe(3); // b replayed, c to both streams
    expect(value('sse_replayed_events_total')).toBe(1);
    expect(value('sse_publish_to_write_seconds_count')).toBe(1); // one sample per live fan-out (2 streams)
    expect(value('sse_slow_client_disconnects_total')).toBe(0);
    expect(value('sse_event_loop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('process_cpu_user_seconds_total'); // default metrics
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('traces publishes and streams, honouring an incoming traceparent', async () => {
    const { url, spans, logger } = await h.start();
    const traceparent = `00-${TRACE_ID}-${PARENT_SPAN}-01`;
    const id0 = await publishOk(url, { data: 'first' });
    const s = await h.stream(url, '/events?topics=default', { 'Last-Event-ID': id0, traceparent });
    await s.waitFor((x) => x.items.length > 0);
    const id = await publishOk(url, { topic: 'default', event: 'x', data: 'hello' }, { traceparent });
    await s.waitFor((x) => x.events.length === 1);
    s.close();
    const streamSpan = await (async () => {
      for (let i = 0; i < 500; i += 1) {
        const found = spans.getFinishedSpans().find((sp) => sp.name === 'sse.stream');
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no sse.stream span finished');
    })();
    const publishSpan = spans
      .getFinishedSpans()
      .find((sp) => sp.name === 'sse.publish' && sp.attributes['sse.event_id'] === id)!;
    expect(publishSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(publishSpan.parentSpanContext?.spanId).toBe(PARENT_SPAN);
    expect(publishSpan.attributes).toMatchObject({
      'sse.topic': 'default',
      'sse.event_type': 'x',
      'http.response.status_code': 200,
    });
    const untraced = spans.getFinishedSpans().find((sp) => sp.attributes['sse.event_id'] === id0)!;
    expect(untraced.spanContext().traceId).not.toBe(TRACE_ID);

    expect(streamSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(streamSpan.attributes).toMatchObject({
      'sse.topics': 'default',
      'sse.last_event_id': id0,
      'sse.resume': 'replay',
      'sse.replayed_count': 0,
      'sse.events_written': 1,
      'sse.close_reason': 'client',
    });
    const open = logger.records.find((r) => r.msg === 'stream open');
    const close = logger.records.find((r) => r.msg === 'stream close');
    expect(open).toMatchObject({ level: 'info', lastEventId: id0, topics: ['default'], resume: 'replay' });
    expect(close).toMatchObject({ reason: 'client', written: 1, replayed: 0 });
    expect(typeof close!.durationMs).toBe('number');
  });

  it('marks refused publishes as errors in their span', async () => {
    const { url, spans } = await h.start({ publishToken: 't' });
    await fetch(`${url}/publish`, { method: 'POST', body: '{"data":"x"}' });
    const span = spans.getFinishedSpans().find((sp) => sp.name === 'sse.publish')!;
    expect(span.attributes['http.response.status_code']).toBe(401);
    expect(span.status.code).toBe(2); // SpanStatusCode.ERROR
  });
});
