/**
 * The zoo's registry: every member by name, in the order of the table in README.md. Each member is
 * one file under members/ (toxiproxy's toxics/ is the model); adding one means a file and a line here.
 */
import type { ZooMember } from './member.ts';
import { abruptShutdown } from './members/abrupt-shutdown.ts';
import { appBuffered } from './members/app-buffered.ts';
import { fixedRetry } from './members/fixed-retry.ts';
import { idsRestart } from './members/ids-restart.ts';
import { memoryLog } from './members/memory-log.ts';
import { noHeartbeat } from './members/no-heartbeat.ts';
import { noResumePoint } from './members/no-resume-point.ts';
import { redisAckBeforeAppend } from './members/redis-ack-before-append.ts';
import { redisLocalReplay } from './members/redis-local-replay.ts';
import { reorderConcurrent } from './members/reorder-concurrent.ts';
import { replayAll } from './members/replay-all.ts';
import { replayIncludesLast } from './members/replay-includes-last.ts';
import { replayLiveRace } from './members/replay-live-race.ts';
import { replayNone } from './members/replay-none.ts';
import { resetAlways } from './members/reset-always.ts';
import { slowClientSkip } from './members/slow-client-skip.ts';

export type { ZooMember } from './member.ts';

const MEMBERS: readonly ZooMember[] = [
  memoryLog,
  fixedRetry,
  idsRestart,
  replayIncludesLast,
  replayAll,
  replayNone,
  noHeartbeat,
  slowClientSkip,
  abruptShutdown,
  resetAlways,
  reorderConcurrent,
  appBuffered,
  noResumePoint,
  replayLiveRace,
  redisLocalReplay,
  redisAckBeforeAppend,
];

function byName(members: readonly ZooMember[]): ReadonlyMap<string, ZooMember> {
  const map = new Map<string, ZooMember>();
  for (const m of members) {
    if (map.has(m.name)) throw new Error(`zoo catalog: two members are named "${m.name}"`);
    map.set(m.name, m);
  }
  return map;
}

/** Every member, by name. */
export const catalog: ReadonlyMap<string, ZooMember> = byName(MEMBERS);

/** The member names, in catalog order. */
export const memberNames: readonly string[] = [...catalog.keys()];
