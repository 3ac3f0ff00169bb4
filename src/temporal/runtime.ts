// The Temporal SDK's process-wide settings: its log lines as our JSON lines, and its own metrics on request.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../log';

const LEVELS = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Call once per process, before the first worker or connection. The SDK's lines carry its own fields
 * (workflowId, activityType, taskQueue…); with `metricsAddress`, the SDK serves its Prometheus metrics
 * (task latencies, poll counts, slots) at http://<address>/metrics.
 */
export function installTemporalRuntime(log: Logger, options: { level: 'debug' | 'info' | 'warn' | 'error'; metricsAddress?: string }): void {
  const sdkLevel = options.level === 'debug' ? 'DEBUG' : options.level === 'info' ? 'INFO' : options.level === 'warn' ? 'WARN' : 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry: LogEntry) => {
      const { workflowId, ...rest } = (entry.meta ?? {}) as Record<string, unknown>;
      log[LEVELS[entry.level]](entry.message, { sdk: 'temporal', ...(workflowId ? { workflowId } : {}), ...rest });
    }),
    ...(options.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsAddress } } } } : {}),
  });
}
