/** How the alerts page orders alerts and names device mutes (pure: unit-tested without a DOM). */
import type { AlertView as Alert } from '#lambda/lookup-api/mappers.ts';

/** An alert as an episode (GET /alerts, docs/openapi.json). */
export type Episode = Alert & {
  state: 'firing' | 'resolved';
  startsAt: string;
  endsAt: string | null;
  acknowledged: { by: string; at: string } | null;
  muted: boolean;
};

/** Firing first, then newest first. */
export const byUrgency = (a: Episode, b: Episode): number =>
  a.state !== b.state ? (a.state === 'firing' ? -1 : 1) : a.at < b.at ? 1 : a.at > b.at ? -1 : 0;

/** A mute id for a device (the id alphabet of docs/openapi.json; other characters become `_`). */
export const deviceMuteId = (deviceId: string): string =>
  `device-${deviceId.replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 128);
