/** The machine a benchmark ran on: figures mean little without it. */
import { cpus, freemem, loadavg, totalmem, release, platform } from 'node:os';
import { readFdLimit } from './fd-limit.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  os: string;
  loadAverageAtStart: [number, number, number];
  fdLimit: { soft: number; hard: number } | undefined;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  const gib = (b: number): number => Math.round((b / 2 ** 30) * 10) / 10;
  const [l1, l5, l15] = loadavg().map((x) => Math.round(x * 100) / 100) as [number, number, number];
  return {
    cpuModel: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverageAtStart: [l1, l5, l15],
    fdLimit: readFdLimit(),
  };
}

export function describeMachine(m: MachineInfo): string {
  const fd = m.fdLimit ? `, fd limit ${m.fdLimit.soft}/${m.fdLimit.hard}` : '';
  return (
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM (${m.freeMemoryGiB} free), node ${m.node}, ${m.os}, ` +
    `load average at start ${m.loadAverageAtStart.join(' / ')}${fd}`
  );
}
