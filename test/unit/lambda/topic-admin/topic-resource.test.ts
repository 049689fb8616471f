import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopicAdmin, parseTopicProperties } from '#lambda/topic-admin/topic-resource.ts';

/** An in-memory Kafka admin: topics → partition count, with a log of every mutating call. */
class FakeAdmin {
  readonly calls: string[] = [];
  connected = false;
  constructor(readonly topics = new Map<string, number>()) {}
  async connect() {
    this.connected = true;
  }
  async disconnect() {
    this.connected = false;
    this.calls.push('disconnect');
  }
  async listTopics() {
    return [...this.topics.keys()];
  }
  async createTopics({ topics }: { topics: { topic: string; numPartitions: number }[] }) {
    for (const t of topics) {
      this.calls.push(`create ${t.topic} ${t.numPartitions}`);
      this.topics.set(t.topic, t.numPartitions);
    }
    return true;
  }
  async fetchTopicMetadata({ topics }: { topics: string[] }) {
    return {
      topics: topics.map((name) => ({
        name,
        partitions: Array.from({ length: this.topics.get(name) ?? 0 }, (_, partitionId) => ({ partitionId })),
      })),
    };
  }
  async createPartitions({ topicPartitions }: { topicPartitions: { topic: string; count: number }[] }) {
    for (const t of topicPartitions) {
      this.calls.push(`grow ${t.topic} ${t.count}`);
      this.topics.set(t.topic, t.count);
    }
    return true;
  }
  async deleteTopics({ topics }: { topics: string[] }) {
    for (const t of topics) {
      this.calls.push(`delete ${t}`);
      this.topics.delete(t);
    }
  }
}

const setup = (existing: Record<string, number> = {}) => {
  const fake = new FakeAdmin(new Map(Object.entries(existing)));
  const brokersSeen: string[] = [];
  const onEvent = createTopicAdmin({
    admin: (brokers) => {
      brokersSeen.push(brokers);
      return fake as unknown as Admin;
    },
  });
  return { fake, onEvent, brokersSeen };
};

const props = (overrides: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  Topic: 'modem-telemetry',
  Partitions: '6', // CloudFormation sends numbers and booleans as strings
  Configs: {},
  DeleteOnRemoval: 'false',
  Brokers: 'b-1.example:9098,b-2.example:9098',
  ...overrides,
});

const common = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  ResponseURL: 'https://example.invalid/',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'req',
  LogicalResourceId: 'Topic',
  ResourceType: 'Custom::KafkaTopic',
};

const create = (p = props()): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: p,
});
const update = (
  next: ReturnType<typeof props>,
  old = props(),
  physical = 'modem-telemetry',
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: physical,
  ResourceProperties: next,
  OldResourceProperties: old,
});
const remove = (
  p: Record<string, unknown> = props(),
  physical = 'modem-telemetry',
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Delete',
  PhysicalResourceId: physical,
  ResourceProperties: p as ReturnType<typeof props>,
});

describe('topic custom resource: Create', () => {
  it('creates the topic with the requested partitions and uses the topic name as physical id', async () => {
    const { fake, onEvent, brokersSeen } = setup();
    const response = await onEvent(create());
    expect(response).toEqual({
      PhysicalResourceId: 'modem-telemetry',
      Data: { TopicName: 'modem-telemetry', Partitions: 6 },
    });
    expect(fake.topics.get('modem-telemetry')).toBe(6);
    expect(brokersSeen).toEqual(['b-1.example:9098,b-2.example:9098']);
    expect(fake.connected).toBe(false);
  });

  it('adopts an existing topic and grows it if it is smaller', async () => {
    const { fake, onEvent } = setup({ 'modem-telemetry': 3 });
    await onEvent(create());
    expect(fake.calls).toEqual(['grow modem-telemetry 6', 'disconnect']);
  });

  it('rejects invalid properties with a message naming the field', async () => {
    const { onEvent } = setup();
    await expect(onEvent(create(props({ Partitions: 'six' })))).rejects.toThrow(
      'Partitions must be a positive integer, got "six"',
    );
    await expect(onEvent(create(props({ Topic: 'no spaces' })))).rejects.toThrow(
      'Topic must be a Kafka topic name',
    );
  });
});

describe('topic custom resource: Update never deletes', () => {
  it('grows partitions in place and keeps the physical id', async () => {
    const { fake, onEvent } = setup({ 'modem-telemetry': 6 });
    const response = await onEvent(update(props({ Partitions: '12' })));
    expect(response.PhysicalResourceId).toBe('modem-telemetry');
    expect(fake.calls).toEqual(['grow modem-telemetry 12', 'disconnect']);
  });

  it('rejects a partition decrease with a clear error and changes nothing', async () => {
    const { fake, onEvent } = setup({ 'modem-telemetry': 6 });
    await expect(onEvent(update(props({ Partitions: '3' })))).rejects.toThrow(
      'cannot reduce topic modem-telemetry from 6 to 3 partitions',
    );
    expect(fake.calls).toEqual(['disconnect']);
    expect(fake.topics.get('modem-telemetry')).toBe(6);
  });

  it('on a rename creates the new topic and leaves the old one (CloudFormation then deletes the old resource)', async () => {
    const { fake, onEvent } = setup({ 'modem-telemetry': 6 });
    const response = await onEvent(update(props({ Topic: 'modem-telemetry-v2', DeleteOnRemoval: 'true' })));
    expect(response.PhysicalResourceId).toBe('modem-telemetry-v2');
    expect([...fake.topics.keys()].sort()).toEqual(['modem-telemetry', 'modem-telemetry-v2']);
  });

  it('never calls deleteTopics on any update, whatever the old and new settings', async () => {
    for (const oldPartitions of [1, 6, 12]) {
      for (const newPartitions of [1, 6, 12]) {
        for (const deleteOnRemoval of ['true', 'false', true, false]) {
          const { fake, onEvent } = setup({ 'modem-telemetry': oldPartitions });
          await onEvent(
            update(
              props({ Partitions: String(newPartitions), DeleteOnRemoval: deleteOnRemoval }),
              props({ Partitions: String(oldPartitions), DeleteOnRemoval: deleteOnRemoval }),
            ),
          ).catch(() => undefined);
          expect(fake.calls.filter((c) => c.startsWith('delete'))).toEqual([]);
          expect(fake.topics.has('modem-telemetry')).toBe(true);
        }
      }
    }
  });
});

describe('topic custom resource: Delete', () => {
  it('retains the topic by default', async () => {
    const { fake, onEvent } = setup({ 'modem-telemetry': 6 });
    const response = await onEvent(remove());
    expect(response).toEqual({ PhysicalResourceId: 'modem-telemetry' });
    expect(fake.topics.has('modem-telemetry')).toBe(true);
    expect(fake.calls).toEqual([]);
  });

  it('deletes the topic only when DeleteOnRemoval is set', async () => {
    const { fake, onEvent } = setup({ 'modem-telemetry': 6 });
    await onEvent(remove(props({ DeleteOnRemoval: 'true' })));
    expect(fake.calls).toEqual(['delete modem-telemetry', 'disconnect']);
  });

  it('does not fail when the topic is already gone', async () => {
    const { fake, onEvent } = setup();
    await onEvent(remove(props({ DeleteOnRemoval: 'true' })));
    expect(fake.calls).toEqual(['disconnect']);
  });

  it('never blocks a stack deletion on properties a failed Create left behind', async () => {
    const { fake, onEvent, brokersSeen } = setup();
    const response = await onEvent(remove({ Topic: 'bad name!' }, 'req-physical-id'));
    expect(response).toEqual({ PhysicalResourceId: 'req-physical-id' });
    expect(brokersSeen).toEqual([]);
    expect(fake.calls).toEqual([]);
  });
});

describe('parseTopicProperties', () => {
  it('accepts native and string-encoded values', () => {
    expect(
      parseTopicProperties(
        props({ Partitions: 3, DeleteOnRemoval: true, Configs: { 'retention.ms': 1000 } }),
      ),
    ).toEqual({
      topic: 'modem-telemetry',
      partitions: 3,
      configs: { 'retention.ms': '1000' },
      deleteOnRemoval: true,
      brokers: 'b-1.example:9098,b-2.example:9098',
    });
  });

  it('rejects a non-boolean DeleteOnRemoval and missing brokers', () => {
    expect(() => parseTopicProperties(props({ DeleteOnRemoval: 'yes' }))).toThrow(
      'DeleteOnRemoval must be true or false',
    );
    expect(() => parseTopicProperties(props({ Brokers: '' }))).toThrow('Brokers must be a non-empty');
  });
});
