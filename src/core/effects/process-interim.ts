/**
 * Interim: the process registry as the effect layer sees it until the
 * process area's `ProcessRegistry` is on main (then this file goes).
 */
export type ProcessRegistry = object;
