import type { DeviceView } from '#lambda/lookup-api/mappers.ts';

/** How long ago, for people: "12 s ago", "5 min ago", "3 h ago", "2 d ago" (or "in the future" for clock skew). */
export const ago = (iso: string, now: number): string => {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return '';
  if (seconds < 0) return 'in the future';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
};

const number = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** A device as a short report: what a person on call wants to read first comes first. */
export const formatDevice = (device: DeviceView, now: number): string => {
  const label = (name: string) => name.padEnd(12);
  const registry =
    device.registry === null ? [] : Object.entries(device.registry).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `${device.deviceId}  ${device.model}  ${device.status.toUpperCase()} on ${device.interface}`,
    `${label('last seen')}${device.lastSeen} (${ago(device.lastSeen, now)})`,
    `${label('first seen')}${device.firstSeen}`,
    `${label('records')}${number(device.recordCount)} (${number(device.downCount)} down)`,
    `${label('cpu')}now ${number(device.cpuUsage)} %   min ${number(device.cpu.min)}  avg ${number(device.cpu.avg)}  max ${number(device.cpu.max)}`,
    `${label('memory')}now ${number(device.memoryUsage)} MB   min ${number(device.memory.min)}  avg ${number(device.memory.avg)}  max ${number(device.memory.max)}`,
    `${label('interfaces')}${device.interfaces.join(', ') || '-'}`,
    `${label('registry')}${registry.length === 0 ? '(not in the registry)' : registry.map(([k, v]) => `${k}=${v}`).join('  ')}`,
  ];
  if (device.activeAlerts.length === 0) lines.push(`${label('alerts')}none active`);
  for (const [i, alert] of device.activeAlerts.entries()) {
    const severity = `[${alert.severity ?? 'unknown'}]`;
    const detail = alert.message === null ? '' : ` — ${alert.message}`;
    const when = alert.at === null ? '' : ` (since ${alert.at}, ${ago(alert.at, now)})`;
    lines.push(`${label(i === 0 ? 'alerts' : '')}${severity} ${alert.ruleId}${detail}${when}`);
  }
  return lines.join('\n');
};
