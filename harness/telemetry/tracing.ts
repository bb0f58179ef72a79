/**
 * Optional OpenTelemetry tracing of the runner: one span per scenario, one per fault. Tracing is
 * off (a no-op tracer, zero cost) unless OTEL_EXPORTER_OTLP_ENDPOINT is set, so the default run
 * needs no collector. The SDK is loaded lazily for the same reason.
 */
import { trace, type Tracer, type Span } from '@opentelemetry/api';

export interface RunnerTracing {
  tracer: Tracer;
  /** Flushes and shuts the exporter down; safe to call when tracing is off. */
  shutdown(): Promise<void>;
}

export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<RunnerTracing> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return { tracer: trace.getTracer('sse-chaos'), shutdown: async () => {} };
  }
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'sse-chaos' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ timeoutMillis: 3000 }))],
  });
  return {
    tracer: provider.getTracer('sse-chaos'),
    // An unreachable collector must not hold the run's exit hostage: flush for at most 3 s.
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 3000)));
      await Promise.race([provider.shutdown().catch(() => {}), bound]);
      clearTimeout(timer);
    },
  };
}

/** Runs `fn` inside a span that records an exception and ends whatever happens. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      throw err;
    } finally {
      span.end();
    }
  });
}
