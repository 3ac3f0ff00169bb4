// Small statistics and process sampling for the benchmark.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc (Linux; 100 ticks a second). */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak and the first sample. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { peak: number; first: number; samples: number } } {
  let peak = 0;
  let first = 0;
  let samples = 0;
  const take = () => {
    const rss = rssOf(pid);
    if (rss === null) return;
    if (samples === 0) first = rss;
    samples++;
    peak = Math.max(peak, rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, first, samples };
    },
  };
}

/** How busy the machine was: the 1-minute load average, and the CPU share taken by other processes meanwhile. */
export function loadNow(): number {
  return os.loadavg()[0];
}

/** Share of all cores busy (any process) over `ms`, from /proc/stat. */
export async function cpuBusy(ms: number): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + f[4]; // idle + iowait
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await new Promise((r) => setTimeout(r, ms));
    const b = read();
    return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  } catch {
    return NaN;
  }
}

export const MB = 1024 * 1024;

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
