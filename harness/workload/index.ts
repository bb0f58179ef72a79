export {
  startWorkload,
  type Workload,
  type WorkloadOptions,
  type WorkloadStats,
  type PublishFn,
} from './publisher.ts';
export { dueAt, inPause, plannedCount, publishOffsets, type Pause } from './schedule.ts';
