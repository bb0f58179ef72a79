/** The flags of `sse-chaos init` (commander's camelCase names). */
export interface InitFlags {
  command?: string;
  url?: string;
  streamPath?: string;
  readyPath?: string;
  publishPath?: string;
  publishBody?: string;
  idPath?: string;
  heartbeatMs?: number;
  retryBaseMs?: number;
  retryJitterMs?: number;
  retentionEvents?: number;
  retentionMs?: number;
  durable?: boolean;
  shutdownGraceMs?: number;
  dir?: string;
  yes?: boolean;
  force?: boolean;
}
