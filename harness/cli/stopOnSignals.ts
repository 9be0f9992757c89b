/**
 * What stops a sweep started from the command line (`run`, `gate --config`): SIGINT (Ctrl-C), SIGTERM, and
 * the end of the npx process that started it ({@link watchLauncherProcess}). The sweep's abort signal fires
 * with the reason; the running entry is killed and not recorded, and the command exits 130.
 */
import { watchLauncherProcess } from './watchLauncherProcess.js';

/** The abort signal to hand to `runPlan`, and `dispose()` to stop listening once the sweep ended. */
export function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => controller.abort(signal);
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const unwatch = watchLauncherProcess((reason) => controller.abort(reason));
  return {
    signal: controller.signal,
    dispose() {
      unwatch();
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    },
  };
}
