/**
 * Current state of a device: the fields of its record with the greatest event_time, ties broken by
 * (partition, offset). Late records never roll it back, whatever order they arrive in.
 */
import { type BatchRecord, compareEventOrder, eventOrderOf, positionOf } from './batch-record.ts';
import type { DeviceItem } from './items/device.ts';

/**
 * The current-state fields of a device item. `stateSource` is absent only on items written before it existed: then
 * any record at the same event_time wins the tie.
 */
export type CurrentState = Pick<
  DeviceItem,
  'model' | 'interface' | 'status' | 'cpuUsage' | 'memoryUsage' | 'eventTime' | 'stateSource'
>;

/** True when the record is newer in event order than the state (or there is no state yet). */
export const advancesState = (state: CurrentState | undefined, r: BatchRecord): boolean =>
  state === undefined ||
  compareEventOrder(
    eventOrderOf(r),
    state.stateSource
      ? { eventTimeMs: Date.parse(state.eventTime), ...state.stateSource }
      : { eventTimeMs: Date.parse(state.eventTime), topic: '', partition: -1, offset: -1 },
  ) > 0;

export const stateOf = (r: BatchRecord): CurrentState => ({
  model: r.record.model,
  interface: r.record.interface,
  status: r.record.status,
  cpuUsage: r.record.cpuUsage,
  memoryUsage: r.record.memoryUsage,
  eventTime: r.record.eventTime,
  stateSource: positionOf(r),
});
