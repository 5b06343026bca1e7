/** Samples the benchmarked processes: peak RSS over the whole run, CPU share over chosen windows. */
import { clockTicks, isAlive, treeCpuTicks, treeRssKb } from './proc-stats';

interface Watched {
  name: string;
  pid: number;
  maxRssKb: number;
  /** Only CPU is reported for processes the benchmark did not start (n8n). */
  rss: boolean;
}

export interface CpuWindow {
  label: string;
  /** Process name → CPU seconds per wall second (1.0 = one core busy). */
  cores: Map<string, number>;
}

const SAMPLE_EVERY_MS = 2000;

export class ProcessMonitor {
  private readonly watched: Watched[] = [];
  private timer: NodeJS.Timeout | undefined;
  readonly windows: CpuWindow[] = [];

  watch(name: string, pid: number, options: { rss: boolean } = { rss: true }): void {
    this.watched.push({ name, pid, maxRssKb: 0, rss: options.rss });
    this.sample();
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    for (const w of this.watched) {
      if (w.rss && isAlive(w.pid)) w.maxRssKb = Math.max(w.maxRssKb, treeRssKb(w.pid));
    }
  }

  /** Starts a CPU window; call the returned function at its end. */
  cpuWindow(label: string): () => CpuWindow {
    const startedAt = performance.now();
    const before = new Map(this.watched.map((w) => [w.name, treeCpuTicks(w.pid)]));
    return () => {
      const seconds = (performance.now() - startedAt) / 1000;
      const cores = new Map<string, number>();
      for (const w of this.watched) {
        const start = before.get(w.name);
        if (start === undefined || !isAlive(w.pid)) continue;
        cores.set(w.name, Math.max(0, treeCpuTicks(w.pid) - start) / clockTicks() / seconds);
      }
      const window = { label, cores };
      this.windows.push(window);
      return window;
    };
  }

  peakRss(): { name: string; maxRssKb: number }[] {
    return this.watched.filter((w) => w.rss).map(({ name, maxRssKb }) => ({ name, maxRssKb }));
  }
}
