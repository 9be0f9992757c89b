/**
 * Progress of one file download: on a terminal a cli-progress bar (bytes, speed, ETA); elsewhere (CI
 * logs, pipes) one line when the download starts and one when it ends, plus one per retry.
 */
import cliProgress from 'cli-progress';
import { formatBytes } from './formatBytes.js';
import type { HubProgressEvent, ProgressStream } from './HubOptions.js';

export class DownloadProgress {
  private bar: cliProgress.SingleBar | null = null;
  private startedAt = 0;
  private firstByte = 0;
  private received = 0;
  private total: number | null = null;
  private lastEvent = 0;
  private announced = false;

  /**
   * @param label the file as a spec, e.g. `hf:owner/repo/model.gguf@main`
   * @param target the cache path it is downloaded to
   * @param stream where to write; null for silence
   * @param onProgress called as bytes arrive; null for none
   */
  constructor(
    private readonly label: string,
    private readonly target: string,
    private readonly stream: ProgressStream | null,
    private readonly onProgress: ((event: HubProgressEvent) => void) | null,
  ) {}

  /** A transfer (first or resumed) starts at `offset` bytes of `total`. */
  begin(total: number | null, offset: number): void {
    this.total = total;
    this.received = offset;
    if (this.startedAt === 0) {
      this.startedAt = performance.now();
      this.firstByte = offset;
    }
    if (!this.stream) return;
    if (this.stream.isTTY) {
      this.bar?.stop();
      this.bar = new cliProgress.SingleBar(
        {
          format: `${this.label} {bar} {percentage}% | {done}/{size} | {speed} | ETA {eta_formatted}`,
          stream: this.stream,
          hideCursor: true,
          etaBuffer: 20,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total ?? 0, offset, this.payload());
    } else if (!this.announced) {
      const size = total === null ? 'size unknown' : formatBytes(total);
      const resume = offset > 0 ? `, resuming at ${formatBytes(offset)}` : '';
      this.stream.write(`slmbench: downloading ${this.label} (${size}${resume}) → ${this.target}\n`);
    }
    this.announced = true;
  }

  /** `bytes` more arrived. */
  advance(bytes: number): void {
    this.received += bytes;
    this.bar?.update(this.received, this.payload());
    if (this.onProgress && (this.received - this.lastEvent >= 1 << 16 || this.received === this.total)) {
      this.lastEvent = this.received;
      this.onProgress({ file: this.label, receivedBytes: this.received, totalBytes: this.total });
    }
  }

  /** A try failed and another follows. */
  retry(reason: string, nextTry: number, tries: number, delayMs: number): void {
    this.bar?.stop();
    this.bar = null;
    this.stream?.write(`slmbench: ${this.label}: ${reason}; try ${nextTry} of ${tries} in ${(delayMs / 1000).toFixed(1)} s\n`);
  }

  /** The download ended; `ok` false when it failed (the error says why). */
  end(ok: boolean): void {
    this.bar?.stop();
    this.bar = null;
    if (!this.stream || !ok || !this.announced) return;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.stream.write(`slmbench: downloaded ${this.label}: ${formatBytes(this.received)} in ${seconds.toFixed(1)} s (${this.speed()})\n`);
  }

  private speed(): string {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return seconds > 0 ? `${formatBytes(Math.round((this.received - this.firstByte) / seconds))}/s` : '–';
  }

  private payload(): Record<string, string> {
    return { done: formatBytes(this.received), size: this.total === null ? '?' : formatBytes(this.total), speed: this.speed() };
  }
}
