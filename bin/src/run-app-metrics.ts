import type { Row } from '@runlens/schemas';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, MetricRecorder, type MetricSpec } from './app-metrics.ts';
import type { OutputTap } from './child.ts';
import { MetricFileTail } from './metric-file.ts';

const FLUSH_INTERVAL_MS = 2_000;

function tempDirOrNull(): string | null {
  try {
    return mkdtempSync(join(tmpdir(), 'runlens-metric-'));
  } catch {
    return null;
  }
}

/**
 * One run's app metrics (issue 13): the environment that names RUNLENS_METRIC_FILE for the
 * command, the output tap when `--metric` was given, and a flush every 2 s of the points read
 * so far to `send` (the run's monitor: `runlens up` or the run's own store).
 */
export class RunAppMetrics {
  readonly env: Record<string, string>;
  readonly tap: OutputTap | undefined;
  private readonly recorder: MetricRecorder;
  private readonly tail: MetricFileTail | null;
  private readonly dir: string | null;
  private readonly splitters: { out: LineSplitter; err: LineSplitter } | null;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private failed: string | null = null;

  constructor(runId: string, host: string, specs: readonly MetricSpec[], private readonly send: (rows: Row<'run_metrics'>[]) => Promise<void>) {
    this.recorder = new MetricRecorder(runId, host, specs);
    // Fails open: without a temp dir the command runs without RUNLENS_METRIC_FILE.
    this.dir = tempDirOrNull();
    const file = this.dir === null ? null : join(this.dir, 'metrics');
    this.env = file === null ? {} : { RUNLENS_METRIC_FILE: file };
    this.tail = file === null ? null : new MetricFileTail(file, this.recorder);
    this.splitters = specs.length > 0 ? { out: new LineSplitter((l) => this.recorder.outputLine(l)), err: new LineSplitter((l) => this.recorder.outputLine(l)) } : null;
    const s = this.splitters;
    this.tap = s ? { stdout: (d) => s.out.push(d), stderr: (d) => s.err.push(d) } : undefined;
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    this.tail?.poll();
    const rows = this.recorder.take();
    if (rows.length === 0) return;
    this.sending = this.sending.then(() => this.send(rows)).catch((e: unknown) => { this.failed ??= e instanceof Error ? e.message : String(e); });
  }

  /** After the command: the last lines, the last flush, the temp file removed; what to tell the user. */
  async stop(): Promise<string[]> {
    if (this.timer) clearInterval(this.timer);
    this.splitters?.out.end();
    this.splitters?.err.end();
    this.tail?.finish();
    this.flush();
    await this.sending;
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    const c = this.recorder.counts;
    return [
      c.bad_lines > 0 ? `metric: ${c.bad_lines} line${c.bad_lines === 1 ? '' : 's'} matched or written but not understood as a value (skipped)` : '',
      c.dropped > 0 ? `metric: ${c.dropped} points over the limit of a run were dropped` : '',
      this.tail?.truncated ? 'metric: RUNLENS_METRIC_FILE grew past its limit; the rest was not read' : '',
      this.failed ? `metric: points could not be stored (${this.failed})` : '',
    ].filter(Boolean);
  }
}
