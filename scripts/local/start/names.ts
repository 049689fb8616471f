import { resolve } from 'node:path';
import { DEFAULT_CONSUMER_GROUP, DEFAULT_TOPIC } from '#core/contract/index.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '#scripts/local/functions.ts';
import { REPO_LOCAL_DIR } from '#scripts/local/services/index.ts';

/** The local runtime's fixed names: the deployed defaults where one exists. */
export const TOPIC = DEFAULT_TOPIC;
export const PROCESSOR_GROUP = DEFAULT_CONSUMER_GROUP;
export const ARCHIVE_GROUP = 'fleetstream-raw-archive';
export const DEAD_LETTER_STREAM = 'fleetstream-dead-letter';
export const ALERT_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:fleetstream-alerts`;
export const PROJECT_ROOT = resolve(REPO_LOCAL_DIR, '..');
