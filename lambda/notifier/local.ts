import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertItem } from '#core/items.ts';
import { formatAlert } from './format.ts';

export interface LocalNotifierOptions {
  /** Newline-delimited JSON, one alert per line (`.local/alerts.jsonl`). */
  readonly file: string;
  /** Where the readable line goes. @default console.log */
  readonly print?: (line: string) => void;
}

export interface LocalNotifier {
  /** Prints and appends the alert; false when this alertId was already notified (restarts re-read the stream). */
  notify(alert: AlertItem): Promise<boolean>;
  readonly notified: number;
}

const knownAlertIds = async (file: string): Promise<Set<string>> => {
  const ids = new Set<string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ids;
    throw error;
  }
  // End a torn last line so the next alert starts on a line of its own.
  if (text !== '' && !text.endsWith('\n')) await appendFile(file, '\n');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const alertId = (JSON.parse(line) as { alertId?: unknown }).alertId;
      if (typeof alertId === 'string') ids.add(alertId);
    } catch {
      // A torn last line from a crash: the alert will be notified again, which beats losing it.
    }
  }
  return ids;
};

/** The local stand-in for SNS: a readable line on stdout and one JSON line per alert in the alerts file. */
export const createLocalNotifier = async ({
  file,
  print = console.log,
}: LocalNotifierOptions): Promise<LocalNotifier> => {
  await mkdir(dirname(file), { recursive: true });
  const seen = await knownAlertIds(file);
  let notified = 0;
  return {
    get notified() {
      return notified;
    },
    async notify(alert) {
      if (seen.has(alert.alertId)) return false;
      await appendFile(file, `${JSON.stringify(alert)}\n`);
      seen.add(alert.alertId);
      notified++;
      const headline = formatAlert(alert).subject;
      print(`ALERT ${headline} at ${alert.at}: ${alert.message}`);
      return true;
    },
  };
};
