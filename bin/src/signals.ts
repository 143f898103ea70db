/** Resolves with the first SIGINT or SIGTERM: the graceful-shutdown trigger of long-running roles. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
