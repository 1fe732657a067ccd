/** One line per live-feed message, the way a newcomer wants to read it in a terminal. */
import type { Metrics } from '@nxg/contracts';
import type { LiveFeedMessage } from './live-feed.ts';

const fixed = (value: number | undefined, digits: number, unit: string) =>
  value === undefined ? undefined : `${value.toFixed(digits)} ${unit}`;

export function formatMetrics(m: Metrics): string {
  const parts = [
    m.heartRate === undefined ? undefined : `HR ${m.heartRate} bpm`,
    fixed(m.speedKph, 1, 'km/h'),
    fixed(m.inclinePct, 1, '%'),
    m.cadence === undefined ? undefined : `cadence ${m.cadence}`,
    fixed(m.powerW, 0, 'W'),
    m.distanceM === undefined
      ? undefined
      : m.distanceM < 1000
        ? `${Math.round(m.distanceM)} m`
        : `${(m.distanceM / 1000).toFixed(2)} km`,
    m.reps === undefined ? undefined : `reps ${m.reps}`,
    fixed(m.weightKg, 1, 'kg'),
    fixed(m.calories, 1, 'kcal'),
  ];
  return parts.filter((p) => p !== undefined).join('  ');
}

const time = (iso: string | number | undefined) =>
  iso === undefined ? '        ' : new Date(iso).toTimeString().slice(0, 8);

/** e.g. `12:00:01 telemetry  HR 142 bpm  10.4 km/h …  (4 ms after the machine sent it)` */
export function formatLiveMessage(message: LiveFeedMessage, receivedAt: number): string {
  const data = (message.data ?? {}) as Record<string, unknown>;
  const at = typeof data.at === 'string' ? data.at : message.at;
  const delay =
    typeof data.at === 'string' ? `  (${receivedAt - Date.parse(data.at)} ms after the machine)` : '';
  switch (message.type) {
    case 'telemetry':
      return `${time(at)} telemetry  ${formatMetrics((data.metrics ?? {}) as Metrics)}${delay}`;
    case 'set.completed': {
      const load =
        data.reps || data.weightKg ? `: ${Number(data.reps)} reps × ${Number(data.weightKg)} kg` : '';
      return `${time(at)} set done   ${String(data.exercise)}${load} in ${Number(data.durationS)} s${delay}`;
    }
    case 'linked': {
      const machine = data.machine as { name?: string } | undefined;
      return `${time(message.at)} linked     to ${machine?.name ?? 'a machine'} (link ${String(data.linkId)})`;
    }
    case 'unlinked':
      return `${time(message.at)} unlinked   (${String(data.reason)})`;
    default:
      return `${time(message.at)} ${message.type}  ${JSON.stringify(message.data)}`;
  }
}
