// Vitest runs only LangGraph's own checkpointer conformance suite
// (`@langchain/langgraph-checkpoint-validation`, written for Jest-like
// globals); every other test runs on node:test (`npm test`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/adapters/**/*.spec.ts'],
    globals: true,
    environment: 'node',
    testTimeout: 20_000,
  },
});
