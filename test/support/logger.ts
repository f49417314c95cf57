import type { Logger } from '../../src/index.ts';

/** A logger that keeps what it is told, for asserting that corruption was reported. */
export class CapturingLogger implements Logger {
  readonly warnings: Array<{ message: string; details?: Record<string, unknown> }> = [];
  warn(message: string, details?: Record<string, unknown>): void {
    this.warnings.push(details === undefined ? { message } : { message, details });
  }
}
