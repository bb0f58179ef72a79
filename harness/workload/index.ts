export {
  startWorkload,
  type Workload,
  type WorkloadOptions,
  type WorkloadStats,
  type PublishFn,
} from './publisher.ts';
export { dueAt, plannedCount } from './schedule.ts';
