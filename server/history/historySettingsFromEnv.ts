import { StartupError } from '../StartupError.js';
import type { HistoryRetention } from './ObservationHistory.js';

/** How the sensor history keeps and writes (docs/history.md lists the variables). */
export interface HistorySettings {
  retention: HistoryRetention;
  /** Length of a raw chunk (one table or partition, dropped whole): 15 minutes by default. */
  chunkMs: number;
  /** Observations the ingest queue holds before it refuses (and counts) more. */
  queueCapacity: number;
}

export const DEFAULT_HISTORY_SETTINGS: HistorySettings = {
  retention: { rawMs: 24 * 3_600_000, downsampledMs: 30 * 86_400_000, bucketMs: 15 * 60_000 },
  // 15 minutes: the state at T scans at most one chunk (a quarter hour of readings), and the raw window held overshoots the retention by at most that.
  chunkMs: 15 * 60_000,
  // 20 s of the feed at 5,000 obs/s: a checkpoint or a slow query does not lose readings.
  queueCapacity: 100_000,
};

/**
 * CIM_HISTORY_RAW_HOURS (24), CIM_HISTORY_DOWNSAMPLE_DAYS (30), CIM_HISTORY_BUCKET_MINUTES (15),
 * CIM_HISTORY_CHUNK_MINUTES (15, or a quarter of a shorter raw retention), CIM_HISTORY_QUEUE (100000); fractions allowed for the times
 * (CIM_HISTORY_RAW_HOURS=0.25 keeps 15 minutes).
 */
export function historySettingsFromEnv(env: Record<string, string | undefined>): HistorySettings {
  const number = (name: string, fallback: number, unitMs: number, integer = false): number => {
    const text = env[name];
    if (text === undefined || text.trim() === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
      throw new StartupError(`${name}: "${text}" should be a positive ${integer ? 'whole ' : ''}number`);
    return Math.round(value * unitMs);
  };
  const defaults = DEFAULT_HISTORY_SETTINGS;
  const settings: HistorySettings = {
    retention: {
      rawMs: number('CIM_HISTORY_RAW_HOURS', defaults.retention.rawMs, 3_600_000),
      downsampledMs: number('CIM_HISTORY_DOWNSAMPLE_DAYS', defaults.retention.downsampledMs, 86_400_000),
      bucketMs: number('CIM_HISTORY_BUCKET_MINUTES', defaults.retention.bucketMs, 60_000),
    },
    chunkMs: 0,
    queueCapacity: number('CIM_HISTORY_QUEUE', defaults.queueCapacity, 1, true),
  };
  // A short raw retention gets shorter chunks (a quarter of it, whole minutes): what is kept stays within a quarter of the setting.
  const derivedChunkMs = Math.min(defaults.chunkMs, Math.max(60_000, Math.floor(settings.retention.rawMs / 4 / 60_000) * 60_000));
  settings.chunkMs = number('CIM_HISTORY_CHUNK_MINUTES', derivedChunkMs, 60_000);
  if (settings.chunkMs > settings.retention.rawMs)
    throw new StartupError(
      `CIM_HISTORY_CHUNK_MINUTES (${settings.chunkMs / 60_000}) should not exceed the raw retention CIM_HISTORY_RAW_HOURS (${settings.retention.rawMs / 60_000} minutes)`,
    );
  return settings;
}
