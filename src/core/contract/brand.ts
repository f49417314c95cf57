/**
 * One identity per error class across every copy of the package.
 *
 * Two copies of the package (two installed versions, or a bundled and a
 * node_modules copy) each define their
 * own `StoreError` class, so a plain `instanceof` fails when the error was
 * thrown by the other copy. Each class registers a brand under a global
 * symbol (`Symbol.for`, shared by every realm of the process) and answers
 * `instanceof` by looking for that brand on the value's prototype chain. The
 * ordinary prototype check runs first, so the common case costs nothing.
 */

/** Where a class keeps its brand; one global symbol for every copy of the package. */
const BRAND = Symbol.for('lash-sqlite-store.error-brand');

type Branded = { [BRAND]?: string };

/**
 * Brands `cls` with `name` and makes `instanceof cls` true for any value
 * whose prototype chain holds a class of the same brand. Call it from the
 * class's `static {}` block.
 */
export function brandError(cls: abstract new (...args: never[]) => object, name: string): void {
  Object.defineProperty(cls, BRAND, { value: `lash-sqlite-store:${name}` });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: Branded & { prototype: object }, value: unknown): boolean {
      if (typeof value !== 'object' || value === null) return false;
      if (Object.prototype.isPrototypeOf.call(this.prototype, value)) return true;
      const brand = this[BRAND];
      for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
        const ctor = (proto as { constructor?: Branded }).constructor;
        if (ctor !== undefined && Object.prototype.hasOwnProperty.call(ctor, BRAND) && ctor[BRAND] === brand) return true;
      }
      return false;
    },
  });
}
