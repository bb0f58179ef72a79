/** Every fault by name (the nemesis' vocabulary). Add a fault: one file in actions/, one line here. */
import type { FaultDefinition } from './fault.ts';
import { bandwidth } from './actions/bandwidth.ts';
import { blackhole } from './actions/blackhole.ts';
import { cut } from './actions/cut.ts';
import { latency } from './actions/latency.ts';
import { limitData } from './actions/limit-data.ts';
import { nginxReload } from './actions/nginx-reload.ts';
import { slicer } from './actions/slicer.ts';
import { netem, packetLoss, rateLimit } from './actions/below-tcp.ts';
import { redisRestart } from './actions/redis-restart.ts';
import { targetSigkill, targetSigterm } from './actions/target-signal.ts';

export const faultRegistry: ReadonlyMap<string, FaultDefinition> = new Map(
  [
    latency,
    bandwidth,
    blackhole,
    cut,
    slicer,
    limitData,
    nginxReload,
    targetSigterm,
    targetSigkill,
    redisRestart,
    packetLoss,
    rateLimit,
    netem,
  ].map((f) => [f.name, f as unknown as FaultDefinition]),
);

export const faultNames = [...faultRegistry.keys()] as const;

export function getFault(name: string): FaultDefinition {
  const f = faultRegistry.get(name);
  if (!f) throw new Error(`unknown fault "${name}"; known: ${[...faultRegistry.keys()].join(', ')}`);
  return f;
}
