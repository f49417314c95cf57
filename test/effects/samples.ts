/** The fixtures live in the conformance kit (src/testing/fixtures/effects.ts); the repository's own tests use them from there. */
export * from '../../src/testing/fixtures/effects.ts';
