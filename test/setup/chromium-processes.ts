// Which Chromium processes this test process started, so "none outlives the worker" can be asserted
// even while other test files run their own browsers.
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';

const MARK_NAME = 'REPORTS_TEST_CHROMIUM_MARK';

/**
 * Marks this process's environment: the browsers it launches inherit it. Chromium's zygote clears the
 * environment, so renderers are recognised by their process group, whose leader is the marked browser.
 */
export function markChromiumLaunchedHere(): void {
  process.env[MARK_NAME] ??= randomUUID();
}

interface Proc {
  pid: number;
  pgid: number;
  cmdline: string;
  marked: boolean;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null; // a zombie runs nothing; its parent reaps it
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    return { pid, pgid: Number(fields[2]), cmdline, marked: environ.includes(`${MARK_NAME}=${process.env[MARK_NAME]}`) };
  } catch {
    return null; // gone meanwhile
  }
}

/** Live Chromium processes (browser, crashpad, zygotes, renderers) started from this test process. */
export function chromiumLaunchedHere(): string[] {
  const mark = process.env[MARK_NAME];
  if (!mark) throw new Error('call markChromiumLaunchedHere() before starting a worker');
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readProc(Number(d))).filter((p): p is Proc => p !== null);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  return procs
    .filter((p) => p.cmdline.includes('chromium'))
    .filter((p) => {
      if (p.marked) return true;
      const leader = byPid.get(p.pgid);
      // A renderer whose browser is gone is an orphan of some browser: count it, ours or not, as a leak.
      return leader ? leader.marked : true;
    })
    .map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`);
}

/** Waits up to `ms` for the processes above to exit (the OS reaps them just after close). */
export async function chromiumLeftAfter(ms = 10_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = chromiumLaunchedHere();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
