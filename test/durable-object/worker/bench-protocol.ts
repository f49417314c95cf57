/** What the bench Worker and bench/durable-object.bench.ts agree on (no Worker imports, so Node can load it). */

/** The error of `/run` on an object that workerd reset since its `/setup`. */
export const NOT_SET_UP = 'BenchObject is not set up (it was reset)';
