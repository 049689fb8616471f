import { describe, expect, it } from 'vitest';
import { groupPositions } from '#scripts/local/group-positions.ts';

const end = (partition: number, low: number, high: number) => ({
  partition,
  low: String(low),
  high: String(high),
});
const commit = (partition: number, offset: number) => ({ partition, offset: String(offset) });

describe('groupPositions (scripts/local/group-positions.ts)', () => {
  it('takes the committed offset, and the start of a partition the group never committed', () => {
    const ends = [end(2, 5, 40), end(0, 0, 10), end(1, 3, 3)];
    expect(groupPositions(ends, [commit(0, 7), commit(1, -1), commit(2, -1)])).toEqual([
      { partition: 0, offset: 7, end: 10 },
      { partition: 1, offset: 3, end: 3 },
      { partition: 2, offset: 5, end: 40 },
    ]);
  });

  it('reads a partition missing from the commits from its start too', () => {
    expect(groupPositions([end(0, 4, 9), end(1, 0, 2)], [commit(1, 2)])).toEqual([
      { partition: 0, offset: 4, end: 9 },
      { partition: 1, offset: 2, end: 2 },
    ]);
  });
});
