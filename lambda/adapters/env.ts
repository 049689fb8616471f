/** Reads a required environment variable, failing loudly at cold start rather than on the first record. */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Missing required environment variable ${name}`);
  return value;
};

/** Reads an optional positive number from the environment. */
export const numberEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`Environment variable ${name} must be a positive number, got "${raw}"`);
  return value;
};
