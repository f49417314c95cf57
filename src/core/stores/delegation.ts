/**
 * Types for the stores' one-line delegations: a store method declared as
 * `name(...args: Args<Engine, 'name'>): Returns<Engine, 'name'>` takes exactly
 * the engine method's parameters and returns its result, so a signature is
 * written once, on the engine.
 */

/** The parameters of method `M` of `T`. */
export type Args<T, M extends keyof T> = T[M] extends (...args: infer A) => unknown ? A : never;

/** The result of method `M` of `T`. */
export type Returns<T, M extends keyof T> = T[M] extends (...args: never[]) => infer R ? R : never;
