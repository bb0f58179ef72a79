/**
 * OpenTelemetry tracing. The provider is private to the server instance (never registered
 * globally) so embedding the server does not hijack the host application's tracing.
 *
 * - OTLP/HTTP export only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the standard
 *   OTEL_EXPORTER_OTLP_* variables itself).
 * - `spanExporter` adds an exporter with a synchronous processor: tests pass an
 *   InMemorySpanExporter and assert on finished spans.
 * - Incoming W3C `traceparent`/`tracestate` headers become the parent of the request's span.
 */
import { type Context, ROOT_CONTEXT, type Tracer, defaultTextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { IncomingHttpHeaders } from 'node:http';

export interface Tracing {
  readonly tracer: Tracer;
  /** The parent context carried by the request's traceparent header (root when absent/invalid). */
  extract(headers: IncomingHttpHeaders): Context;
  /** Flushes exporters; call once at shutdown. */
  shutdown(): Promise<void>;
}

export function createTracing(
  options: { spanExporter?: SpanExporter; serviceName?: string; env?: NodeJS.ProcessEnv } = {},
): Tracing {
  const env = options.env ?? process.env;
  const spanProcessors: SpanProcessor[] = [];
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName ?? env.OTEL_SERVICE_NAME ?? 'sse-server',
    }),
    spanProcessors,
  });
  const propagator = new W3CTraceContextPropagator();
  return {
    tracer: provider.getTracer('sse-server'),
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    shutdown: () => provider.shutdown(),
  };
}
