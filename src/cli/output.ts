/**
 * Where the tool writes: results on stdout, diagnostics and progress on
 * stderr. Colour and the progress bar appear only on a terminal (never in a
 * pipe, a file or a test), and colour also honours `NO_COLOR` and
 * `--no-color`; `--json` output is never coloured.
 */

export interface Stream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface OutputOptions {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly noColor?: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export class Output {
  readonly #stdout: Stream;
  readonly #stderr: Stream;
  readonly color: boolean;
  readonly #progressEnabled: boolean;

  constructor(options: OutputOptions) {
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    const noColorEnv = (options.env.NO_COLOR ?? '') !== '';
    this.color = options.stdout.isTTY === true && !noColorEnv && options.noColor !== true && options.env.TERM !== 'dumb';
    this.#progressEnabled = options.stderr.isTTY === true && options.env.TERM !== 'dumb';
  }

  /** Writes a line of results to stdout. */
  line(text = ''): void {
    this.#stdout.write(`${text}\n`);
  }

  /** Writes text to stdout as it is. */
  text(text: string): void {
    this.#stdout.write(text);
  }

  /** Writes one JSON document to stdout. */
  json(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes a diagnostic line to stderr. */
  warn(text: string): void {
    this.#stderr.write(`${this.paint('yellow', 'warning:')} ${text}\n`);
  }

  error(text: string): void {
    this.#stderr.write(`${this.paint('red', 'error:')} ${text}\n`);
  }

  /** Raw text to stderr (a stack trace under `--debug`). */
  debug(text: string): void {
    this.#stderr.write(`${text}\n`);
  }

  paint(style: Style, text: string): string {
    if (!this.color) return text;
    const [on, off] = SGR[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  /** A progress bar for `total` steps of `label`; a no-op unless stderr is a terminal. */
  progress(label: string, total: number): Progress {
    return this.#progressEnabled && total > 0 ? new Progress(this.#stderr, label, total) : NO_PROGRESS;
  }
}

/** A bar redrawn in place on stderr, at most every 100 ms. */
export class Progress {
  readonly #stream: Stream;
  readonly #label: string;
  readonly #total: number;
  #done = 0;
  #drawnAt = 0;
  #finished = false;
  readonly #clock: () => number;

  constructor(stream: Stream, label: string, total: number, clock: () => number = Date.now) {
    this.#stream = stream;
    this.#label = label;
    this.#total = total;
    this.#clock = clock;
  }

  tick(steps = 1): void {
    if (this.#finished) return;
    this.#done = Math.min(this.#total, this.#done + steps);
    const now = this.#clock();
    if (now - this.#drawnAt >= 100 || this.#done === this.#total) {
      this.#drawnAt = now;
      this.#stream.write(`\r${renderBar(this.#label, this.#done, this.#total, this.#stream.columns ?? 80)}`);
    }
  }

  /** Clears the bar's line. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#drawnAt !== 0) this.#stream.write('\r\u001b[2K');
  }
}

const NO_PROGRESS = Object.freeze({ tick(): void {}, finish(): void {} }) as unknown as Progress;

/** `label [#####-----] 50% 5/10`, fitted to `columns`. */
export function renderBar(label: string, done: number, total: number, columns: number): string {
  const counts = `${Math.floor((done / total) * 100)}% ${done}/${total}`;
  const width = Math.max(10, Math.min(40, columns - label.length - counts.length - 6));
  const filled = Math.round((done / total) * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts}`;
}

/** `1.5 KiB`, `3 B`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** An epoch-ms time as ISO 8601, or `-`. */
export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}
