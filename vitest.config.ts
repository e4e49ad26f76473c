import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Files run in parallel; each gets its own database (from a migrated template),
    // its own BullMQ prefix and its own evidence directory.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
