// Plumbing shared by the locally started dev services: free ports, and children that end with us.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (the kernel picks it; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Marks our own signal handlers, so we can tell whether anyone else (the app, vitest) handles a signal.
const OURS = Symbol.for('reports.dev.stopWithParent');
type Marked = ((signal: NodeJS.Signals) => void) & { [OURS]?: true };

/**
 * Sends `signal` to the child when this process exits or receives SIGINT/SIGTERM, so a dev server never
 * outlives the process that started it. On a signal nobody else handles, the signal is raised again after
 * the children are told, so Node's default (terminate) still happens. If the app handles the signal itself,
 * it is in charge of an orderly stop; the 'exit' hook remains the backstop. Returns an unsubscribe function.
 */
export function stopWithParent(child: ChildProcess, signal: NodeJS.Signals): () => void {
  const signalChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onSignal: Marked = (received) => {
    const othersHandleIt = process.listeners(received).some((l) => !(OURS in l));
    if (othersHandleIt) return;
    signalChild();
    unsubscribe();
    if (process.listenerCount(received) === 0) process.kill(process.pid, received);
  };
  onSignal[OURS] = true;
  const unsubscribe = () => {
    process.off('exit', signalChild);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', signalChild);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  child.once('exit', unsubscribe);
  return unsubscribe;
}
