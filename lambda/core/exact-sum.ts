/**
 * Sums kept exact to 0.001: values are added as integer thousandths, so a sum does not depend on the order
 * (or batch split) in which records were folded — floating-point addition would.
 */
const SCALE = 1000;

export const addExact = (sum: number, value: number): number =>
  (Math.round(sum * SCALE) + Math.round(value * SCALE)) / SCALE;
