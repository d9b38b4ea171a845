// Test stand-in for the "server-only" marker package (which only exists to fail client bundles).
export {};
