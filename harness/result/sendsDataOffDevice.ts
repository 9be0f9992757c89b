/** Whether an entry sent any of its requests off the device (`metrics.privacy.dataLeavesDevice` above 0): the rule that brings the privacy axis into the ranking, the tables and the charts. */
export function sendsDataOffDevice(entry: unknown): boolean {
  const share = (entry as { metrics?: { privacy?: { dataLeavesDevice?: unknown } } } | null)?.metrics?.privacy?.dataLeavesDevice;
  return typeof share === 'number' && share > 0;
}
