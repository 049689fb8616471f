import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isPortOpen, waitUntil } from './ports.ts';
import { failOnExit, killStale, type ServiceProcess, spawnService } from './process.ts';

const run = promisify(execFile);

export interface KafkaOptions {
  /** Folder for this broker's log, config, PID file and service log. */
  readonly dir: string;
  readonly libDir: string;
  readonly port: number;
  readonly controllerPort: number;
  /** Default partitions for topics created without a count. @default 6 */
  readonly defaultPartitions?: number;
}

// Single-node KRaft: broker and controller in one JVM, plaintext, loopback only. Topics are created explicitly.
const serverProperties = (o: KafkaOptions, logDir: string): string =>
  `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    `num.partitions=${o.defaultPartitions ?? 6}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'message.max.bytes=8388608',
  ].join('\n')}\n`;

const LOG4J = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        Pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
`;

/** Formats storage on first use (KRaft needs it), then starts the broker and waits until it accepts connections. */
export const startKafka = async (o: KafkaOptions): Promise<ServiceProcess> => {
  const logDir = join(o.dir, 'data');
  const files = { log: join(o.dir, 'kafka.log'), pid: join(o.dir, 'kafka.pid') };
  await mkdir(logDir, { recursive: true });
  await killStale(files.pid, o.dir);
  if (await isPortOpen(o.port)) throw new Error(`Kafka port ${o.port} on 127.0.0.1 is already in use`);

  const config = join(o.dir, 'server.properties');
  await writeFile(config, serverProperties(o, logDir));
  await writeFile(join(o.dir, 'log4j2.yaml'), LOG4J);
  const classpath = join(o.libDir, '*');
  if (!existsSync(join(logDir, 'meta.properties'))) {
    const { stdout: clusterId } = await run('java', [
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'random-uuid',
    ]);
    await run('java', [
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId.trim(),
      '-c',
      config,
    ]);
  }

  const service = await spawnService(
    'Kafka',
    [
      '-Xms256m',
      '-Xmx1g',
      `-Dlog4j2.configurationFile=${join(o.dir, 'log4j2.yaml')}`,
      `-Dfleetstream.dir=${o.dir}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      config,
    ],
    files,
  );
  try {
    await Promise.race([
      waitUntil(`Kafka on 127.0.0.1:${o.port}`, () => isPortOpen(o.port), 90_000),
      failOnExit(service, files.log),
    ]);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
};
