import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration and browser files share one server; run files one after another.
    fileParallelism: false,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      // Starts of their own (restarts, several instances, PostgreSQL), each on a database of its own.
      { test: { name: 'host', include: ['test/host/**/*.test.ts'], environment: 'node', testTimeout: 300_000, hookTimeout: 240_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.integration.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.e2e.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
