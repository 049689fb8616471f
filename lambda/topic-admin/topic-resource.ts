import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { ensureTopic } from '#adapters/kafka-topic.ts';
import { KAFKA_NAME } from '#core/contract/index.ts';
import type { Log } from '#core/log.ts';

/**
 * The Custom::KafkaTopic lifecycle (cr.Provider onEvent). Create → create the topic (or adopt an existing one).
 * Update → grow partitions only; a decrease is rejected, and an update never deletes anything, even when the topic
 * name changes (the new topic is created; CloudFormation then deletes the old resource, which retains the topic
 * unless DeleteOnRemoval). Delete → delete the topic only when DeleteOnRemoval is true.
 */

export interface TopicProperties {
  readonly topic: string;
  readonly partitions: number;
  readonly configs: Record<string, string>;
  readonly deleteOnRemoval: boolean;
  readonly brokers: string;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string | number>;
}

export interface TopicAdminDeps {
  /** A kafkajs admin (not yet connected) for these brokers. */
  readonly admin: (brokers: string) => Admin;
  readonly log?: Log;
}

// CloudFormation passes every custom-resource property as a string; accept both forms.
const asBoolean = (value: unknown, name: string): boolean => {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
};

export const parseTopicProperties = (raw: Record<string, unknown> | undefined): TopicProperties => {
  if (raw === undefined) throw new Error('missing resource properties');
  const { Topic, Partitions, Configs, DeleteOnRemoval, Brokers } = raw;
  if (typeof Topic !== 'string' || !KAFKA_NAME.test(Topic)) {
    throw new Error(`Topic must be a Kafka topic name, got ${JSON.stringify(Topic)}`);
  }
  const partitions =
    typeof Partitions === 'string' && Partitions.trim() !== '' ? Number(Partitions) : Partitions;
  if (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1) {
    throw new Error(`Partitions must be a positive integer, got ${JSON.stringify(Partitions)}`);
  }
  const configs = Configs ?? {};
  if (typeof configs !== 'object' || configs === null || Array.isArray(configs)) {
    throw new Error(`Configs must be an object of strings, got ${JSON.stringify(Configs)}`);
  }
  const configEntries = Object.entries(configs).map(([key, value]) => [key, String(value)] as const);
  if (typeof Brokers !== 'string' || Brokers.trim() === '')
    throw new Error('Brokers must be a non-empty host:port list');
  return {
    topic: Topic,
    partitions,
    configs: Object.fromEntries(configEntries),
    deleteOnRemoval: asBoolean(DeleteOnRemoval, 'DeleteOnRemoval'),
    brokers: Brokers,
  };
};

const withAdmin = async <T>(
  deps: TopicAdminDeps,
  brokers: string,
  work: (admin: Admin) => Promise<T>,
): Promise<T> => {
  const admin = deps.admin(brokers);
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

/** Creates the topic or grows it to the requested count; rejects a request for fewer partitions than exist. */
const createOrGrow = async (deps: TopicAdminDeps, props: TopicProperties): Promise<OnEventResponse> => {
  const result = await withAdmin(deps, props.brokers, (admin) =>
    ensureTopic(admin, { topic: props.topic, partitions: props.partitions, configs: props.configs }),
  );
  if (result.partitions > props.partitions) {
    throw new Error(
      `cannot reduce topic ${props.topic} from ${result.partitions} to ${props.partitions} partitions: Kafka cannot ` +
        'remove partitions (and fewer would re-map keys to partitions). Keep the count, or use a new topic name.',
    );
  }
  deps.log?.info(`topic ${props.topic}: ${result.action}`, { partitions: result.partitions });
  return { PhysicalResourceId: props.topic, Data: { TopicName: props.topic, Partitions: result.partitions } };
};

const remove = async (
  deps: TopicAdminDeps,
  physicalId: string,
  raw: Record<string, unknown>,
): Promise<OnEventResponse> => {
  let props: TopicProperties;
  try {
    props = parseTopicProperties(raw);
  } catch (error) {
    // A resource whose Create failed validation has nothing to delete; never block a stack deletion on it.
    deps.log?.info('delete: unreadable properties, nothing to do', { reason: (error as Error).message });
    return { PhysicalResourceId: physicalId };
  }
  if (!props.deleteOnRemoval || physicalId !== props.topic) {
    deps.log?.info(`delete: keeping topic ${physicalId} (DeleteOnRemoval is off)`);
    return { PhysicalResourceId: physicalId };
  }
  await withAdmin(deps, props.brokers, async (admin) => {
    const topics = await admin.listTopics();
    if (topics.includes(props.topic)) await admin.deleteTopics({ topics: [props.topic] });
  });
  deps.log?.info(`delete: deleted topic ${props.topic}`);
  return { PhysicalResourceId: physicalId };
};

export const createTopicAdmin =
  (deps: TopicAdminDeps) =>
  async (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
    switch (event.RequestType) {
      case 'Create':
        return createOrGrow(deps, parseTopicProperties(event.ResourceProperties));
      case 'Update': {
        // Never falls through to Delete: an update only creates or grows. A renamed topic gets a new physical id, so
        // CloudFormation deletes the old resource afterwards — which keeps the old topic unless DeleteOnRemoval.
        return createOrGrow(deps, parseTopicProperties(event.ResourceProperties));
      }
      case 'Delete':
        return remove(deps, event.PhysicalResourceId, event.ResourceProperties);
      default: {
        const unknown: never = event;
        throw new Error(`unsupported request type ${(unknown as { RequestType: string }).RequestType}`);
      }
    }
  };
