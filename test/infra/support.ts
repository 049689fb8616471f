// Moved to test/support/infra.ts; this re-export keeps tests written on other branches compiling until they are merged.
export * from '#test/support/infra.ts';
