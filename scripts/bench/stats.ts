/** Small, pure statistics for the benchmark: percentiles, summaries and the FleetStream-vs-naive ratios. */

/** Nearest-rank percentile (p in 0–100) of the values; 0 for none. Does not reorder the input. */
export const percentile = (values: readonly number[], p: number): number => {
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0-100, got ${p}`);
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
};

/** How many times smaller `ours` is than `theirs` (naive / fleetstream); Infinity when ours is 0 and theirs is not. */
export const reduction = (ours: number, theirs: number): number => {
  if (ours === 0) return theirs === 0 ? 1 : Number.POSITIVE_INFINITY;
  return theirs / ours;
};

/** "÷123" / "×1.5": a ratio people read at a glance; higher is better for FleetStream in `better: 'lower'` metrics. */
export const formatRatio = (ours: number, theirs: number, better: 'lower' | 'higher'): string => {
  if (better === 'higher') {
    if (theirs === 0) return ours === 0 ? '=' : '∞×';
    return `${(ours / theirs).toFixed(ours / theirs >= 10 ? 0 : 1)}×`;
  }
  if (theirs === 0) return ours === 0 ? '=' : 'naive: none';
  const r = reduction(ours, theirs);
  if (!Number.isFinite(r)) return '∞ less';
  return r >= 1 ? `${r.toFixed(r >= 10 ? 0 : 1)}× less` : `${(1 / r).toFixed(1)}× more`;
};

/** Meets "at most 1/limit of the baseline". */
export const withinFraction = (ours: number, theirs: number, limit: number): boolean =>
  ours * limit <= theirs;
