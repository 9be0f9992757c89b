const TRUE = new Set(['1', 'true', 'yes', 'on']);

/** True when `SLMBENCH_OFFLINE` or `HF_HUB_OFFLINE` is `1`, `true`, `yes` or `on` (any case). */
export function isHubOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return [env.SLMBENCH_OFFLINE, env.HF_HUB_OFFLINE].some((value) => value !== undefined && TRUE.has(value.trim().toLowerCase()));
}
