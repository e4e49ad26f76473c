/** A job's result as BullMQ keeps it: how many items ended which way. */
export const countOutcomes = (outcomes: ({ kind: string } | Error)[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o instanceof Error ? 'error' : o.kind;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
};
