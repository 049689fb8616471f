import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Fails with one clear line when Java 17+ or Maven is missing: both are needed to fetch and run the local services. */
export const assertJavaAndMaven = async (): Promise<void> => {
  let javaVersion: string;
  try {
    const { stderr, stdout } = await run('java', ['-version']);
    javaVersion = `${stderr}${stdout}`;
  } catch {
    throw new Error('Java 17+ is required for the local Kafka and DynamoDB Local (no `java` on PATH)');
  }
  const major = Number(/version "(\d+)/.exec(javaVersion)?.[1] ?? 0);
  if (major < 17)
    throw new Error(
      `Java 17+ is required for the local Kafka and DynamoDB Local, found: ${javaVersion.split('\n')[0]}`,
    );
  try {
    await run('mvn', ['--version']);
  } catch {
    throw new Error(
      'Maven is required once to fetch Kafka and DynamoDB Local from Maven Central (no `mvn` on PATH)',
    );
  }
};
