/** Example documents shared by unit and integration tests. The rule: a platinum customer's modem going down. */
export const VIP_RULE_DOCUMENT = {
  description: "Platinum customer's modem went down",
  when: { field: 'interfacestatus', op: '==', value: 'down' },
  models: ['EVG2000'],
  registry: { tier: 'platinum' },
  severity: 'critical',
  enabled: true,
} as const;

/** Fields every example telemetry record in the unit tests shares; tests add `event_time`. */
export const SAMPLE_RECORD_FIELDS = {
  deviceid: 'dvc1234',
  model: 'EVG2000',
  interface: 'eth4.1',
  interfacestatus: 'connected',
  cpuusage: 73,
  memoryusage: 1234,
} as const;
